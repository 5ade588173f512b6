package s3_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"testing"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// boto3Prelude gives every script a client s3 for the emulator, as a boto3
// user configures one for an S3-compatible endpoint (botocore's defaults
// otherwise: CRC32 request checksums, validated responses), a bucket b
// already created, and helpers: code(exc) is a ClientError's code and
// status; check(cond, what) collects failures that the script prints as
// JSON at exit.
const boto3Prelude = `
import atexit, io, json, os, sys
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
s3 = boto3.client("s3", endpoint_url=os.environ["QCLI_ENDPOINT"], region_name=os.environ["AWS_DEFAULT_REGION"],
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
b = "bkt"
s3.create_bucket(Bucket=b)
failures = []
def check(cond, what):
    if not cond:
        failures.append(what)
def code(fn, *args, **kw):
    try:
        fn(*args, **kw)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    return None, 200
atexit.register(lambda: print(json.dumps(failures)))
`

// runBoto3 runs a Python script against srv with boto3 (after
// boto3Prelude) and fails the test with whatever the script's checks
// reported. It skips the test when python3 or boto3 is missing.
func runBoto3(t *testing.T, srv *emulatortest.Server, script string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import boto3").Run() != nil {
		t.Skip("python3 with boto3 is not installed; this test drives boto3 against the emulator")
	}
	cmd := exec.CommandContext(t.Context(), py, "-c", boto3Prelude+script)
	cmd.Env = append(toolEnv(t, srv, srv.Region), "QCLI_ENDPOINT="+srv.URL)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("boto3 script: %v\n%s", err, stderr.String())
	}
	var failures []string
	if err := json.Unmarshal(out, &failures); err != nil {
		t.Fatalf("boto3 script printed %q: %v\n%s", out, err, stderr.String())
	}
	for _, f := range failures {
		t.Error("boto3: " + f)
	}
}

// TestBoto3Versioning: versions, delete markers, ListObjectVersions through
// boto3's paginator, DeleteObjects of versions, and DeleteBucket refused
// until every version and marker is gone.
func TestBoto3Versioning(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	runBoto3(t, srv, `
s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
check(s3.get_bucket_versioning(Bucket=b).get("Status") == "Enabled", "versioning status")
v1 = s3.put_object(Bucket=b, Key="k", Body=b"one")["VersionId"]
v2 = s3.put_object(Bucket=b, Key="k", Body=b"two")["VersionId"]
check(v1 and v2 and v1 != v2, "distinct version ids %r %r" % (v1, v2))
check(s3.get_object(Bucket=b, Key="k", VersionId=v1)["Body"].read() == b"one", "GET version 1")
d = s3.delete_object(Bucket=b, Key="k")
check(d.get("DeleteMarker") is True and d.get("VersionId"), "a simple delete makes a marker: %r" % d)
check(code(s3.head_object, Bucket=b, Key="k") == ("404", 404), "HEAD behind the marker")
check(code(s3.get_object, Bucket=b, Key="k", VersionId=d["VersionId"])[1] == 405, "GET of the marker")
for i in range(3):
    s3.put_object(Bucket=b, Key="other/%d" % i, Body=b"x")
seen = []
for page in s3.get_paginator("list_object_versions").paginate(Bucket=b, PaginationConfig={"PageSize": 1}):
    seen += [("V", v["Key"], v["VersionId"], v["IsLatest"]) for v in page.get("Versions", [])]
    seen += [("M", m["Key"], m["VersionId"], m["IsLatest"]) for m in page.get("DeleteMarkers", [])]
check(len(seen) == 6, "paged versions %r" % seen)
check(("M", "k", d["VersionId"], True) in seen and ("V", "k", v1, False) in seen, "markers and versions %r" % seen)
check(code(s3.delete_bucket, Bucket=b) == ("BucketNotEmpty", 409), "DeleteBucket with versions left")
objs = [{"Key": k, "VersionId": v} for (_, k, v, _) in seen]
res = s3.delete_objects(Bucket=b, Delete={"Objects": objs})
check(len(res.get("Deleted", [])) == 6 and not res.get("Errors"), "DeleteObjects of every version %r" % res)
check([m for m in res["Deleted"] if m.get("DeleteMarker")] != [], "the marker's deletion is reported as one")
check(s3.list_object_versions(Bucket=b).get("Versions") is None, "versions left")
s3.delete_bucket(Bucket=b)
`)
}

// TestBoto3Checksums: botocore's default CRC32 request checksums (headers
// and aws-chunked trailers) on PutObject and on a multipart upload by
// s3transfer, its validation of GET answers, a composite SHA256 upload,
// GetObjectAttributes, and BadDigest for a wrong checksum.
func TestBoto3Checksums(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	runBoto3(t, srv, `
import base64, hashlib, zlib
from boto3.s3.transfer import TransferConfig
data = os.urandom(3000)
crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
s3.put_object(Bucket=b, Key="small", Body=data)
h = s3.head_object(Bucket=b, Key="small", ChecksumMode="ENABLED")
check(h.get("ChecksumCRC32") == crc and h.get("ChecksumType") == "FULL_OBJECT", "botocore's default CRC32: %r" % h)
check(s3.get_object(Bucket=b, Key="small", ChecksumMode="ENABLED")["Body"].read() == data, "validated GET")
check(code(s3.put_object, Bucket=b, Key="bad", Body=data, ChecksumCRC32="AAAAAA==") == ("BadDigest", 400), "wrong CRC32")

big = os.urandom(6 * 1024 * 1024 + 5)
s3.upload_fileobj(io.BytesIO(big), b, "big", Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
out = io.BytesIO()
s3.download_fileobj(b, "big", out)
check(out.getvalue() == big, "s3transfer round trip")
a = s3.get_object_attributes(Bucket=b, Key="big", ObjectAttributes=["ETag", "Checksum", "ObjectParts", "ObjectSize"])
check(a.get("ObjectSize") == len(big) and a["ObjectParts"]["TotalPartsCount"] == 2 and a["ETag"].endswith("-2"), "attributes %r" % a)

up = s3.create_multipart_upload(Bucket=b, Key="sha", ChecksumAlgorithm="SHA256")
check(up.get("ChecksumType") == "COMPOSITE", "SHA256 uploads are composite")
parts, digests = [], b""
for n, chunk in enumerate([big[:5 * 1024 * 1024], big[5 * 1024 * 1024:]], 1):
    r = s3.upload_part(Bucket=b, Key="sha", UploadId=up["UploadId"], PartNumber=n, Body=chunk, ChecksumAlgorithm="SHA256")
    parts.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumSHA256": r["ChecksumSHA256"]})
    digests += hashlib.sha256(chunk).digest()
done = s3.complete_multipart_upload(Bucket=b, Key="sha", UploadId=up["UploadId"], MultipartUpload={"Parts": parts})
want = base64.b64encode(hashlib.sha256(digests).digest()).decode() + "-2"
check(done.get("ChecksumSHA256") == want, "composite SHA256 %r, want %r" % (done.get("ChecksumSHA256"), want))
check(s3.head_object(Bucket=b, Key="sha", ChecksumMode="ENABLED").get("ChecksumSHA256") == want, "HEAD of the composite")
`)
}

// TestBoto3ConditionsListingsAndRanges: conditional PutObject and
// CompleteMultipartUpload, listings whose keys botocore decodes from
// encoding-type=url (which it asks for by itself), and S3's answers to
// ranges and part numbers.
func TestBoto3ConditionsListingsAndRanges(t *testing.T) {
	srv, _ := emulatortest.StartS3(t)
	runBoto3(t, srv, `
s3.put_object(Bucket=b, Key="k", Body=b"0123456789", IfNoneMatch="*")
check(code(s3.put_object, Bucket=b, Key="k", Body=b"x", IfNoneMatch="*") == ("PreconditionFailed", 412), "If-None-Match on an existing key")
up = s3.create_multipart_upload(Bucket=b, Key="k")
p = s3.upload_part(Bucket=b, Key="k", UploadId=up["UploadId"], PartNumber=1, Body=b"new")
mpu = {"Parts": [{"PartNumber": 1, "ETag": p["ETag"], "ChecksumCRC32": p.get("ChecksumCRC32")}]}
check(code(s3.complete_multipart_upload, Bucket=b, Key="k", UploadId=up["UploadId"], MultipartUpload=mpu, IfNoneMatch="*") == ("PreconditionFailed", 412), "conditional completion")
check(code(s3.get_object, Bucket=b, Key="k", Range="bytes=10-") == ("InvalidRange", 416), "unsatisfiable range")
check(code(s3.get_object, Bucket=b, Key="k", PartNumber=2) == ("InvalidPartNumber", 416), "part 2 of a single-part object")
check(s3.get_object(Bucket=b, Key="k", Range="bytes=-3")["Body"].read() == b"789", "suffix range")

keys = ["a b/c", "plus+sign", "pct%20lit", "tab\tkey", "ctl\x01key", "uni/ü"]
for k in keys:
    s3.put_object(Bucket=b, Key=k, Body=b"x")
    s3.create_multipart_upload(Bucket=b, Key=k)
listed = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=b, PaginationConfig={"PageSize": 2}) for o in page.get("Contents", [])]
check(sorted(listed) == sorted(keys + ["k"]), "ListObjectsV2 keys %r" % listed)
v1 = [o["Key"] for page in s3.get_paginator("list_objects").paginate(Bucket=b, PaginationConfig={"PageSize": 2}) for o in page.get("Contents", [])]
check(sorted(v1) == sorted(keys + ["k"]), "ListObjects keys %r" % v1)
pre = s3.list_objects_v2(Bucket=b, Delimiter="/")
check([c["Prefix"] for c in pre.get("CommonPrefixes", [])] == ["a b/", "uni/"], "common prefixes %r" % pre.get("CommonPrefixes"))
from urllib.parse import unquote  # botocore asks for and decodes encoding-type=url by itself on the object listings only
ups = [unquote(u["Key"]) for u in s3.list_multipart_uploads(Bucket=b, EncodingType="url").get("Uploads", [])]
check(sorted(ups) == sorted(keys + ["k"]), "ListMultipartUploads keys %r" % ups)
vs = [v["Key"] for v in s3.list_object_versions(Bucket=b).get("Versions", [])]
check(sorted(vs) == sorted(keys + ["k"]), "ListObjectVersions keys %r" % vs)
`)
}
