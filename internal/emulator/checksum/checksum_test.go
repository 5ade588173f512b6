package checksum_test

import (
	"testing"

	"github.com/quilibrium/qcli/internal/emulator/checksum"
)

// The check values of "123456789", as S3 answers them (OpenStack Swift's
// s3api tests, run against AWS, pin the same).
func TestKnownValues(t *testing.T) {
	for alg, want := range map[checksum.Algorithm]string{
		checksum.CRC32:     "y/Q5Jg==",
		checksum.CRC32C:    "4waSgw==",
		checksum.CRC64NVME: "rosUhgp5mIg=",
		checksum.SHA1:      "98O8HYCOBHMq32eZZczDTKeuNEE=",
	} {
		h := alg.New()
		h.Write([]byte("123456789"))
		if got := checksum.Encode(h.Sum(nil)); got != want {
			t.Errorf("%s = %s, want %s", alg, got, want)
		}
		if !alg.Valid(want) || alg.Valid(want[1:]) {
			t.Errorf("%s: Valid is wrong about %q", alg, want)
		}
	}
	if got := checksum.CRC32.CompositeOf([]string{"y/Q5Jg=="}); got != "7kxlUA==-1" {
		t.Errorf("composite of one CRC32 part = %s, want 7kxlUA==-1", got)
	}
}

func TestTypesByAlgorithm(t *testing.T) {
	for _, c := range []struct {
		alg              checksum.Algorithm
		full, composite  bool
		defaultIsPerPart bool
	}{
		{checksum.CRC32, true, true, true},
		{checksum.CRC64NVME, true, false, false},
		{checksum.SHA256, false, true, true},
	} {
		if c.alg.Allows(checksum.FullObject) != c.full || c.alg.Allows(checksum.Composite) != c.composite ||
			(c.alg.DefaultType() == checksum.Composite) != c.defaultIsPerPart {
			t.Errorf("%s: full %v composite %v default %s", c.alg, c.alg.Allows(checksum.FullObject), c.alg.Allows(checksum.Composite), c.alg.DefaultType())
		}
	}
}
