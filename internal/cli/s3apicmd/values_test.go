package s3apicmd

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// shorthandCases are the AWS CLI's own parses (awscli.shorthand's
// ShorthandParser, AWS CLI 1.45); "" is an input it refuses.
var shorthandCases = []struct{ in, want string }{
	{"Status=Enabled", `{"Status":"Enabled"}`},
	{"a=b,c=d", `{"a":"b","c":"d"}`},
	{"a=b,c,d=e", `{"a":["b","c"],"d":"e"}`},
	{"TagSet=[{Key=a,Value=b},{Key=c,Value=d}]", `{"TagSet":[{"Key":"a","Value":"b"},{"Key":"c","Value":"d"}]}`},
	{"Rules=[{ObjectOwnership=BucketOwnerEnforced}]", `{"Rules":[{"ObjectOwnership":"BucketOwnerEnforced"}]}`},
	{"k='quoted, value',j=\"dq \\\" x\"", `{"j":"dq \" x","k":"quoted, value"}`},
	{"a=b\\,c", `{"a":"b,c"}`},
	{"a= spaced value ,b=x", `{"a":"spaced value","b":"x"}`},
	{"a=", `{"a":""}`},
	{"a=,b=c", `{"a":"","b":"c"}`},
	{"a=x=y", `{"a":"x=y"}`},
	{"Foo=[a,b,[c,d]]", `{"Foo":["a","b",["c","d"]]}`},
	{"a={b=c,d=[e]}", `{"a":{"b":"c","d":["e"]}}`},
	{"a=b, c=d", `{"a":"b","c":"d"}`},
	{"a=1,2,3", `{"a":["1","2","3"]}`},
	{"a=b,c=d,", ""}, // ShorthandParseSyntaxError
	{"=x", `{"":"x"}`},
	{"a", ""},               // ShorthandParseSyntaxError
	{"a=[b", ""},            // ShorthandParseSyntaxError
	{"a=b,a=c", ""},         // DuplicateKeyInObjectError
	{"x='unterminated", ""}, // ShorthandParseSyntaxError
	{"a={b=c", ""},          // ShorthandParseSyntaxError
	{"a.b-c:d=v", `{"a.b-c:d":"v"}`},
	{"a=b ,c=d", `{"a":"b","c":"d"}`},
	{"Mode=GOVERNANCE,RetainUntilDate=2030-01-01T00:00:00Z", `{"Mode":"GOVERNANCE","RetainUntilDate":"2030-01-01T00:00:00Z"}`},
	{"IndexDocument={Suffix=index.html},ErrorDocument={Key=error.html}", `{"ErrorDocument":{"Key":"error.html"},"IndexDocument":{"Suffix":"index.html"}}`},
	{"a=[]", `{"a":[]}`},
	{"a={}", `{"a":{}}`},
	{"a=[ x , y ]", `{"a":["x","y"]}`},
	{"a='it''s'", ""}, // ShorthandParseSyntaxError
	{"a=\"x\\\\y\"", `{"a":"x\\y"}`}}

func TestShorthandParsesAsTheAWSCLI(t *testing.T) {
	for _, c := range shorthandCases {
		got, err := parseShorthand(c.in)
		if c.want == "" {
			if err == nil {
				t.Errorf("%q: parsed as %v, the AWS CLI refuses it", c.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v, want %s", c.in, err, c.want)
			continue
		}
		js, _ := json.Marshal(got)
		if string(js) != c.want {
			t.Errorf("%q: %s, want %s", c.in, js, c.want)
		}
	}
}

// FuzzShorthand: any input parses one way or is refused, without a
// panic, and a double-quoted value comes back as it was.
func FuzzShorthand(f *testing.F) {
	for _, c := range shorthandCases {
		f.Add(c.in, "Key", "a value, with = and [ ] { }")
	}
	f.Fuzz(func(t *testing.T, s, key, value string) {
		a, errA := parseShorthand(s)
		b, errB := parseShorthand(s)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if (errA == nil) != (errB == nil) || string(ja) != string(jb) {
			t.Fatalf("%q parses two ways", s)
		}
		if key == "" || strings.Trim(key, shorthandKeyChars) != "" || strings.Contains(value, `\`) || !utf8.ValidString(value) {
			return // the AWS CLI cannot quote a backslash before a closing quote either
		}
		in := key + `="` + strings.ReplaceAll(value, `"`, `\"`) + `"`
		got, err := parseShorthand(in)
		if err != nil || got[key] != value || len(got) != 1 {
			t.Fatalf("%q parsed as %v, %v; want {%q: %q}", in, got, err, key, value)
		}
	})
}

const shorthandKeyChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.#/:"

func TestFlagNamesAreBotocores(t *testing.T) {
	for member, want := range map[string]string{
		"VersionId": "version-id", "SSECustomerKey": "sse-customer-key", "ChecksumCRC64NVME": "checksum-crc64-nvme",
		"ChecksumCRC32C": "checksum-crc32-c", "ContentMD5": "content-md5", "GrantReadACP": "grant-read-acp",
		"ACL": "acl", "ObjectLockRetainUntilDate": "object-lock-retain-until-date", "MaxKeys": "max-keys",
		"IfMatchInitiatedTime": "if-match-initiated-time", "SSEKMSKeyId": "ssekms-key-id", "PolicyARNs": "policy-arns",
	} {
		if got := flagName(member); got != want {
			t.Errorf("flagName(%q) = %q, want %q", member, got, want)
		}
	}
}

func TestTimestamps(t *testing.T) {
	want := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, in := range []string{"2030-01-02T03:04:05Z", "2030-01-02T03:04:05.000Z", "2030-01-02T04:04:05+01:00", "2030-01-02T03:04:05", "1893553445"} {
		got, err := timestampOf(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("timestampOf(%q) = %v, %v", in, got, err)
		}
	}
	if got, err := timestampOf("2030-01-02"); err != nil || !got.Equal(time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("a date: %v, %v", got, err)
	}
	if _, err := timestampOf("next tuesday"); err == nil {
		t.Error("a word was taken for a timestamp")
	}
	// As the AWS CLI v2 prints them: Python's isoformat of a UTC datetime.
	if got := formatTimestamp(want); got != "2030-01-02T03:04:05+00:00" {
		t.Errorf("formatTimestamp = %s", got)
	}
	if got := formatTimestamp(want.Add(123 * time.Millisecond)); got != "2030-01-02T03:04:05.123000+00:00" {
		t.Errorf("formatTimestamp with milliseconds = %s", got)
	}
}
