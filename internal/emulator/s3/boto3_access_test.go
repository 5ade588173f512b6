package s3_test

import (
	"fmt"
	"testing"

	"github.com/quilibrium/qcli/internal/emulator/emulatortest"
)

// TestBoto3SubresourcesAndAccess drives tags, ACLs, anonymous reads, a
// second credential made through the console, website, lifecycle,
// ownership controls and the unsupported CORS and policy through boto3.
func TestBoto3SubresourcesAndAccess(t *testing.T) {
	srv, _ := emulatortest.StartS3(t, withConsole)
	_, aliceKey, aliceSecret := newCredentialKeys(t, srv, "alice")
	_, bobKey, bobSecret := newCredentialKeys(t, srv, "bob")
	runBoto3(t, srv, fmt.Sprintf(`
from botocore import UNSIGNED
def client(key=None, secret=None, **cfg):
    return boto3.client("s3", endpoint_url=os.environ["QCLI_ENDPOINT"], region_name=os.environ["AWS_DEFAULT_REGION"],
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, **cfg))
ALICE, BOB = %q, %q
alice, bob = client(ALICE, %q), client(BOB, %q)
anon = client(signature_version=UNSIGNED)

alice.create_bucket(Bucket="boto", ACL="public-read")
alice.create_bucket(Bucket="boto-private")
check(code(alice.create_bucket, Bucket="boto") == ("BucketAlreadyOwnedByYou", 409), "re-creating one's own bucket")
check(code(s3.create_bucket, Bucket="boto") == ("BucketAlreadyExists", 409), "another account's name")

alice.put_object(Bucket="boto", Key="o", Body=b"hi", ACL="public-read", Tagging="z=1&a=2")
alice.put_object(Bucket="boto", Key="p", Body=b"private")
check(anon.get_object(Bucket="boto", Key="o")["Body"].read() == b"hi", "anonymous GET of a public-read object")
check([o["Key"] for o in anon.list_objects_v2(Bucket="boto")["Contents"]] == ["o", "p"], "anonymous listing of a public-read bucket")
check(code(anon.get_object, Bucket="boto", Key="p") == ("AccessDenied", 403), "anonymous GET of a private object")
tags = alice.get_object_tagging(Bucket="boto", Key="o")["TagSet"]
check(tags == [{"Key": "a", "Value": "2"}, {"Key": "z", "Value": "1"}], "tags sorted by key: %%r" %% tags)
check(alice.get_object(Bucket="boto", Key="o")["TagCount"] == 2, "x-amz-tagging-count")
check(code(alice.put_object_tagging, Bucket="boto", Key="o",
           Tagging={"TagSet": [{"Key": "k%%d" %% i, "Value": "v"} for i in range(11)]}) == ("BadRequest", 400), "11 object tags")
alice.put_bucket_tagging(Bucket="boto", Tagging={"TagSet": [{"Key": "team", "Value": "x"}, {"Key": "env", "Value": "y"}]})
check([t["Key"] for t in alice.get_bucket_tagging(Bucket="boto")["TagSet"]] == ["env", "team"], "bucket tags sorted")

check(code(bob.get_object, Bucket="boto", Key="p") == ("AccessDenied", 403), "bob before a grant")
alice.put_object_acl(Bucket="boto", Key="p", GrantRead='id="%%s"' %% BOB)
check(bob.get_object(Bucket="boto", Key="p")["Body"].read() == b"private", "bob after a grant")
acl = alice.get_object_acl(Bucket="boto", Key="p")
check(acl["Owner"]["ID"] == ALICE, "owner %%r" %% acl["Owner"])
grants = [g["Grantee"].get("ID", "") + ":" + g["Permission"] for g in acl["Grants"]]
check(grants == [BOB + ":READ"], "grant headers replace the ACL, as in S3: %%r" %% grants)
check(code(bob.list_objects_v2, Bucket="boto-private") == ("AccessDenied", 403), "bob lists alice's private bucket")

alice.put_bucket_website(Bucket="boto", WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "err.html"}})
site = alice.get_bucket_website(Bucket="boto")
check(site["IndexDocument"]["Suffix"] == "index.html" and site["ErrorDocument"]["Key"] == "err.html", "website %%r" %% site)
check(code(alice.put_bucket_website, Bucket="boto", WebsiteConfiguration={"ErrorDocument": {"Key": "e"}}) == ("InvalidArgument", 400), "website without an index document")
alice.delete_bucket_website(Bucket="boto")
check(code(alice.get_bucket_website, Bucket="boto") == ("NoSuchWebsiteConfiguration", 404), "website deleted")

alice.put_bucket_lifecycle_configuration(Bucket="boto", LifecycleConfiguration={"Rules": [
    {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 30}},
    {"ID": "uploads", "Status": "Enabled", "Filter": {}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}]})
rules = alice.get_bucket_lifecycle_configuration(Bucket="boto")["Rules"]
check([r["ID"] for r in rules] == ["logs", "uploads"], "lifecycle %%r" %% rules)
check(code(alice.put_bucket_lifecycle_configuration, Bucket="boto", LifecycleConfiguration={"Rules": [
    {"ID": "zero", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 0}}]}) == ("InvalidArgument", 400), "Expiration of 0 days")
alice.delete_bucket_lifecycle(Bucket="boto")
check(code(alice.get_bucket_lifecycle_configuration, Bucket="boto") == ("NoSuchLifecycleConfiguration", 404), "lifecycle deleted")

alice.create_bucket(Bucket="boto-enforced", ObjectOwnership="BucketOwnerEnforced")
own = alice.get_bucket_ownership_controls(Bucket="boto-enforced")["OwnershipControls"]["Rules"][0]["ObjectOwnership"]
check(own == "BucketOwnerEnforced", "ownership %%r" %% own)
check(code(alice.put_object, Bucket="boto-enforced", Key="k", Body=b"x", ACL="public-read") == ("AccessControlListNotSupported", 400), "ACL with ACLs off")
check(code(alice.get_bucket_ownership_controls, Bucket="boto") == ("OwnershipControlsNotFoundError", 404), "no ownership controls")

check(code(alice.get_bucket_cors, Bucket="boto") == ("NotImplemented", 501), "CORS")
check(code(alice.put_bucket_policy, Bucket="boto", Policy="{}") == ("NotImplemented", 501), "bucket policy")
`, aliceKey, bobKey, aliceSecret, bobSecret))
}
