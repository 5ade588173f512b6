package humanize

import "testing"

func TestBytes(t *testing.T) {
	cases := map[int64]string{
		0: "0 Bytes", 1: "1 Byte", 1023: "1023 Bytes", 1024: "1.0 KiB", 1536: "1.5 KiB",
		5 << 20: "5.0 MiB", 3 << 30: "3.0 GiB", 5 << 40: "5.0 TiB",
	}
	for n, want := range cases {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
