package transfer

import (
	"testing"

	"github.com/quilibrium/qcli/client"
)

func TestPartSize(t *testing.T) {
	const gib = 1 << 30
	cases := []struct {
		size, preferred, want int64
	}{
		{0, DefaultPartSize, DefaultPartSize},
		{80 * gib, DefaultPartSize, DefaultPartSize},       // 10,000 x 8 MiB = 78 GiB + a bit: needs 9 MiB
		{100 * gib, DefaultPartSize, 11 * mib},             // ceil(100 GiB / 10,000) = 10.24 MiB -> 11 MiB
		{client.MaxObjectSize, DefaultPartSize, 525 * mib}, // 5 TiB fits in 10,000 parts of 525 MiB
		{10 * mib, 64 * mib, 64 * mib},                     // the preferred size wins when larger
		{client.MaxObjectSize, client.MaxPartSize, 5 * 1024 * mib},
	}
	cases[1].want = 9 * mib
	for _, c := range cases {
		got, err := PartSize(c.size, c.preferred)
		if err != nil || got != c.want {
			t.Errorf("PartSize(%d, %d) = %d, %v; want %d", c.size, c.preferred, got, err, c.want)
		}
		if err == nil && int64(partCount(c.size, got)) > client.MaxPartNumber {
			t.Errorf("PartSize(%d) = %d needs %d parts", c.size, got, partCount(c.size, got))
		}
	}
	if _, err := PartSize(client.MaxObjectSize+1, DefaultPartSize); err == nil {
		t.Error("an object over 5 TiB was accepted")
	}
}

func TestStreamScheduleFits5TiB(t *testing.T) {
	for _, base := range []int64{client.MinPartSize, DefaultPartSize, 64 * mib} {
		s, err := newStreamSchedule(base, 0)
		if err != nil {
			t.Fatal(err)
		}
		var total int64
		prev := int64(0)
		for n := 1; n <= client.MaxPartNumber; n++ {
			ps := s.size(n)
			if ps < prev || ps > client.MaxPartSize || ps < client.MinPartSize {
				t.Fatalf("base %d: part %d is %d bytes after %d", base, n, ps, prev)
			}
			prev, total = ps, total+ps
		}
		if total < client.MaxObjectSize {
			t.Errorf("base %d: 10,000 parts hold only %d bytes", base, total)
		}
		if s.size(500) != base {
			t.Errorf("base %d: parts grow before the 500th", base)
		}
	}
}

func TestStreamScheduleWithExpectedSize(t *testing.T) {
	s, err := newStreamSchedule(DefaultPartSize, 100<<30)
	if err != nil {
		t.Fatal(err)
	}
	if s.base != 11*mib || s.size(9310) != 11*mib {
		t.Errorf("schedule %+v", s)
	}
	if _, err := newStreamSchedule(DefaultPartSize, client.MaxObjectSize+1); err == nil {
		t.Error("expected size over 5 TiB accepted")
	}
}
