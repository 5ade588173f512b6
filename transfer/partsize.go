package transfer

import (
	"fmt"

	"github.com/quilibrium/qcli/client"
)

// TooLargeError is an object that cannot be stored: over 5 TiB, or a stream
// that ran past the 10,000th part. It is returned before the first byte is
// sent when the size is known.
type TooLargeError struct {
	Size  int64 // bytes, or bytes read so far for a stream
	Limit string
}

// Error names the limit the object exceeds.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("object of %d bytes cannot be stored: %s", e.Size, e.Limit)
}

// PartSize is the part size for an object of size bytes: the largest of
// preferred and ceil(size/10000) rounded up to a whole MiB, so that the
// object fits in 10,000 parts. It fails for objects over 5 TiB.
func PartSize(size, preferred int64) (int64, error) {
	if size > client.MaxObjectSize {
		return 0, &TooLargeError{Size: size, Limit: "the maximum object size is 5 TiB"}
	}
	ps := preferred
	if need := ceilDiv(size, client.MaxPartNumber); need > preferred {
		ps = ceilDiv(need, mib) * mib
	}
	if ps > client.MaxPartSize {
		return 0, &TooLargeError{Size: size, Limit: "parts would exceed 5 GiB"}
	}
	return ps, nil
}

func ceilDiv(a, b int64) int64 {
	if a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}

// partCount is the number of parts of size ps an object of size bytes
// takes; an empty object still takes one.
func partCount(size, ps int64) int {
	return max(1, int(ceilDiv(size, ps)))
}

// streamSchedule gives the part sizes of an upload whose length is not
// known in advance. Parts keep the base size for the first `flat` parts
// and then double every 1,000 parts (capped at 5 GiB), so that 10,000
// parts hold at least 5 TiB: from an 8 MiB base the schedule reaches
// 5 TiB around part 9,400; a smaller base starts growing earlier. Memory
// stays at the base size until a stream passes 8 GB or so.
type streamSchedule struct {
	base int64
	flat int // parts at the base size before growth starts
}

// newStreamSchedule plans parts for a stream. expected, when positive,
// is the size the caller expects: parts are sized as for a file of that
// size and growth starts only after it.
func newStreamSchedule(preferred, expected int64) (streamSchedule, error) {
	if expected <= 0 {
		s := streamSchedule{base: preferred, flat: 1000}
		for s.flat > 100 && s.capacity() < client.MaxObjectSize {
			s.flat -= 100 // small bases (5 MiB) must start growing earlier
		}
		return s, nil
	}
	ps, err := PartSize(expected, preferred)
	if err != nil {
		return streamSchedule{}, err
	}
	return streamSchedule{base: ps, flat: partCount(expected, ps)}, nil
}

// capacity is how many bytes 10,000 parts hold.
func (s streamSchedule) capacity() int64 {
	var total int64
	for n := 1; n <= client.MaxPartNumber; n++ {
		total += s.size(n)
	}
	return total
}

// size returns the size of part n (1-based).
func (s streamSchedule) size(n int) int64 {
	if n <= s.flat {
		return s.base
	}
	steps := (n-s.flat-1)/1000 + 1
	ps := s.base
	for range steps {
		if ps >= client.MaxPartSize/2 {
			return client.MaxPartSize
		}
		ps *= 2
	}
	return ps
}
