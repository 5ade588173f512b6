package s3apicmd

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"

	"github.com/quilibrium/qcli/internal/cli/cmdutil"
)

// paginator is botocore's paging model of an operation (paginators-1.json
// with its sdk-extras): which members carry the position, which hold the
// results, which are kept from the first page. The AWS CLI pages through
// every operation that has one unless told not to.
type paginator struct {
	inputTokens  []string // input members that resume a listing
	outputTokens []string // the output members that fill them, in the same order
	moreResults  string   // the output member that says more pages follow ("" when a token says it)
	limitKey     string   // the input member that sets the page size
	resultKeys   []string // output lists gathered across pages; the first counts towards --max-items
	nonAggregate []string // output members taken from the first page
}

// paginators holds the model of every paged operation in the client's
// table (Operation.Paged); a test holds it to the table and to botocore's.
var paginators = map[string]paginator{
	"ListBuckets": {inputTokens: []string{"ContinuationToken"}, outputTokens: []string{"ContinuationToken"},
		limitKey: "MaxBuckets", resultKeys: []string{"Buckets"}, nonAggregate: []string{"Owner", "Prefix"}},
	"ListMultipartUploads": {inputTokens: []string{"KeyMarker", "UploadIdMarker"}, outputTokens: []string{"NextKeyMarker", "NextUploadIdMarker"},
		moreResults: "IsTruncated", limitKey: "MaxUploads", resultKeys: []string{"Uploads", "CommonPrefixes"},
		nonAggregate: []string{"RequestCharged", "Prefix"}},
	"ListObjectVersions": {inputTokens: []string{"KeyMarker", "VersionIdMarker"}, outputTokens: []string{"NextKeyMarker", "NextVersionIdMarker"},
		moreResults: "IsTruncated", limitKey: "MaxKeys", resultKeys: []string{"Versions", "DeleteMarkers", "CommonPrefixes"},
		nonAggregate: []string{"RequestCharged", "Prefix"}},
	"ListObjectsV2": {inputTokens: []string{"ContinuationToken"}, outputTokens: []string{"NextContinuationToken"},
		moreResults: "IsTruncated", limitKey: "MaxKeys", resultKeys: []string{"Contents", "CommonPrefixes"},
		nonAggregate: []string{"RequestCharged", "Prefix"}},
	"ListParts": {inputTokens: []string{"PartNumberMarker"}, outputTokens: []string{"NextPartNumberMarker"},
		moreResults: "IsTruncated", limitKey: "MaxParts", resultKeys: []string{"Parts"},
		nonAggregate: []string{"ChecksumAlgorithm", "Initiator", "Owner", "StorageClass", "ChecksumType"}},
}

// manualFlags are the flags that page by hand (the tokens and the page
// size); giving one turns paging off, as in the AWS CLI.
func (pg paginator) manualFlags() []string {
	var out []string
	for _, m := range append(slices.Clone(pg.inputTokens), pg.limitKey) {
		out = append(out, flagName(m))
	}
	return out
}

// Paging is how a paged operation pages: the AWS CLI's --starting-token,
// --page-size and --max-items.
type Paging struct {
	Enabled       bool
	StartingToken string
	PageSize      int
	MaxItems      int
}

// truncateKey is botocore's member of a token that says how many results
// of the page it names were already returned.
const truncateKey = "boto_truncate_amount"

// position is where a listing stands: a value for each input token (nil
// when unset) and how many results of that page to skip.
type position struct {
	tokens map[string]any
	skip   int
}

// encode renders a position as botocore does (base64 of a JSON object),
// so the AWS CLI and qcli take each other's tokens.
func (pg paginator) encode(p position) string {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range pg.inputTokens {
		if i > 0 {
			buf.WriteString(", ")
		}
		kb, _ := json.Marshal(k)
		vb, _ := json.Marshal(p.tokens[k])
		fmt.Fprintf(&buf, "%s: %s", kb, vb)
	}
	if p.skip > 0 {
		fmt.Fprintf(&buf, ", %q: %d", truncateKey, p.skip)
	}
	buf.WriteByte('}')
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func (pg paginator) decode(token string) (position, error) {
	bad := cmdutil.Usagef("--starting-token %q is not a token this operation gave (the NextToken of its output)", token)
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return position{}, bad
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return position{}, bad
	}
	p := position{tokens: map[string]any{}}
	for k, v := range m {
		switch {
		case k == truncateKey:
			n, err := strconv.Atoi(fmt.Sprint(v))
			if err != nil || n < 0 {
				return position{}, bad
			}
			p.skip = n
		case slices.Contains(pg.inputTokens, k):
			p.tokens[k] = v
		default:
			return position{}, bad
		}
	}
	return p, nil
}

// errRepeatedToken is a server that hands out the same position twice.
var errRepeatedToken = errors.New("the service returned the same pagination token twice; the listing stops here")

// run pages through an operation as botocore's PageIterator and
// build_full_result do: the result lists of every page gathered, the
// non-aggregate members of the first page, at most MaxItems results of
// the first result key, and NextToken where it stopped early.
func (pg paginator) run(in reflect.Value, call func() (reflect.Value, error), p Paging) (map[string]any, error) {
	at := position{tokens: map[string]any{}}
	if p.StartingToken != "" {
		var err error
		if at, err = pg.decode(p.StartingToken); err != nil {
			return nil, err
		}
	}
	if p.PageSize > 0 {
		if err := setMember(in, pg.limitKey, json.Number(strconv.Itoa(p.PageSize))); err != nil {
			return nil, err
		}
	}
	result, nonAggregate := map[string]any{}, map[string]any{}
	var resume *position
	var previous map[string]any
	total := 0
	for first := true; ; first = false {
		for _, k := range pg.inputTokens {
			if err := setMember(in, k, at.tokens[k]); err != nil {
				return nil, err
			}
		}
		out, err := call()
		if err != nil {
			return nil, err
		}
		r, _ := render(out)
		page := r.(map[string]any)
		skip := 0
		if first {
			skip = pg.skipInto(page, at.skip)
			for _, k := range pg.nonAggregate {
				if v, ok := page[k]; ok {
					nonAggregate[k] = v
				}
			}
		}
		primary, _ := page[pg.resultKeys[0]].([]any)
		n := len(primary)
		if p.MaxItems > 0 && total+n > p.MaxItems {
			keep := p.MaxItems - total
			page[pg.resultKeys[0]] = primary[:keep]
			pg.gather(result, page)
			resume = &position{tokens: at.tokens, skip: keep + skip}
			break
		}
		pg.gather(result, page)
		total += n
		next, more := pg.next(out)
		if !more {
			break
		}
		if p.MaxItems > 0 && total == p.MaxItems {
			resume = &position{tokens: next}
			break
		}
		if previous != nil && reflect.DeepEqual(previous, next) {
			return nil, errRepeatedToken
		}
		previous, at = next, position{tokens: next}
	}
	for k, v := range nonAggregate {
		result[k] = v
	}
	if resume != nil {
		result["NextToken"] = pg.encode(*resume)
	}
	return result, nil
}

// skipInto drops the results a starting token says were returned already:
// the first n of the first result key, and the other result keys of that
// page whole (botocore's _handle_first_request). It returns n.
func (pg paginator) skipInto(page map[string]any, n int) int {
	if n == 0 {
		return 0
	}
	if list, ok := page[pg.resultKeys[0]].([]any); ok {
		page[pg.resultKeys[0]] = list[min(n, len(list)):]
	}
	for _, k := range pg.resultKeys[1:] {
		if _, ok := page[k].([]any); ok {
			page[k] = []any{}
		}
	}
	return n
}

// gather appends a page's result lists to result.
func (pg paginator) gather(result, page map[string]any) {
	for _, k := range pg.resultKeys {
		list, ok := page[k].([]any)
		if !ok {
			continue
		}
		if have, ok := result[k].([]any); ok {
			result[k] = append(have, list...)
		} else {
			result[k] = list
		}
	}
}

// next reads where the following page starts; more is false on the last.
func (pg paginator) next(out reflect.Value) (tokens map[string]any, more bool) {
	if pg.moreResults != "" {
		if v, _ := render(out.FieldByName(pg.moreResults)); v != true {
			return nil, false
		}
	}
	tokens = map[string]any{}
	for i, k := range pg.outputTokens {
		v, ok := render(out.FieldByName(k))
		if !ok || v == "" {
			tokens[pg.inputTokens[i]] = nil
			continue
		}
		tokens[pg.inputTokens[i]] = fmt.Sprint(v)
		more = true
	}
	return tokens, more
}

// setMember sets (or, for nil, clears) the input member named from a
// token's value.
func setMember(in reflect.Value, name string, v any) error {
	f := in.FieldByName(name)
	if !f.IsValid() {
		return fmt.Errorf("%s has no member %s", in.Type().Name(), name)
	}
	f.Set(reflect.Zero(f.Type()))
	if v == nil {
		return nil
	}
	if n, ok := v.(json.Number); ok {
		v = n.String()
	}
	return assign(f, fmt.Sprint(v), name, true)
}
