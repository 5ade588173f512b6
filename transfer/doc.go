// Package transfer moves objects between files, streams and QStorage: fast,
// bounded in memory, and verified.
//
// It is built on the client package's primitive calls rather than the AWS
// SDK's upload managers (feature/s3/manager is deprecated;
// feature/s3/transfermanager buffers every part, forces CRC32 and leaves
// multipart uploads behind on cancel). It prints nothing: progress is a
// stream of Events given to Options.Progress.
//
// # What a transfer does
//
//   - UploadFile: one PutObject below Options.Threshold (8 MiB), else a
//     multipart upload. Parts are read straight from the file with
//     io.SectionReader, never copied into part buffers, and sent in
//     parallel. The part size is the largest of Options.PartSize (8 MiB)
//     and ceil(size/10,000) rounded up to a MiB, at most 5 GiB; an object
//     over 5 TiB is refused before the first request.
//   - Upload: a stream of unknown length (stdin). Parts are read into
//     pooled buffers, each retryable; part sizes grow after the first
//     thousand parts so that a 5 TiB stream fits in 10,000 parts, or are
//     sized from UploadInput.ExpectedSize.
//   - DownloadFile: HEAD, then parallel ranged GETs pinned with If-Match to
//     the ETag, written in place into a temporary file beside the target,
//     synced and renamed only when complete and verified.
//   - Download: the same ranges written in order to an io.Writer (stdout).
//   - Copy: CopyObject up to 5 GiB, parallel UploadPartCopy above.
//   - Trees: UploadTree, DownloadTree, CopyTree and DeleteTree stream a
//     local walk or an S3 listing into a worker pool; Sync compares two
//     sorted listings side by side. S3 listings are read with
//     Options.ListConcurrency requests in flight, in key order (List).
//     TreeOptions.Shard makes each of N processes do one shard of a
//     tree, listing and walking only the parts that may hold it (Shard).
//   - UploadQuickSync: a file or stream to the QuickSync API
//     (client/quicksync), in parallel parts on the same engine.
//
// # One multipart engine
//
// Every multipart transfer runs through one engine, whatever API it writes
// to: it prepares the parts in order (sections of a file read in place,
// pooled buffers of a stream, ranges of a source object), sends them on at
// most PartConcurrency goroutines within the Manager's request slots,
// reports their bytes, and ends every upload with exactly one of complete
// or abort, the abort on a fresh context after any failure, cancellation
// included. What differs between APIs sits behind a small unexported
// part-writer interface (write a part, complete, abort), as rclone's
// multipart code drives every backend's chunk writer: the S3 multipart
// upload (each part's ETag checked against its MD5, the composite checked
// at completion), its variants for a file (checked for changes,
// with a resume state) and for a multipart copy (UploadPartCopy pinned to
// the source's ETag), and the QuickSync upload (the client's calls, tags
// completed in part order, a failed upload deleted). The API clients
// themselves only speak their APIs: client/quicksync does not import this
// package.
//
// The Manager reaches QStorage through an unexported interface that
// *client.Client satisfies; New takes the concrete client, and the
// package's tests put an in-memory service behind the interface that
// misbehaves on demand (a part's wrong ETag, a failed completion, a
// refused conditional write), so the planning and integrity logic is
// tested in microseconds without TLS or the emulator.
//
// # Conditional writes and metadata
//
// UploadInput.NoOverwrite (and TreeOptions.NoOverwrite) writes only where
// the key holds no object: the PutObject, or the multipart upload's
// completion, carries If-None-Match: *, so a writer that gets there first,
// even after a caller's HEAD found the key free, is never replaced; the
// upload fails with ErrExists, its multipart upload is aborted, and its
// event is Skipped. A single CopyObject has no conditional create, so a
// small copy relies on the caller's HEAD. Options.NoPartSizeMetadata
// leaves x-amz-meta-qcli-part-size out of multipart uploads (below).
//
// # Progress
//
// Events (Started, Bytes, Done, Failed, Skipped, ...) go to
// Options.Progress, or to the Progress of one call's UploadInput,
// DownloadInput, CopyInput or TreeOptions instead. They are delivered one
// at a time, in order, and never while a lock of the Manager is held, so
// a callback may block or start another transfer.
// Started and Done carry the object's size (a download's or copy's HEAD is
// answered first); only a stream of unknown length reports -1. Event
// types print and encode in JSON as words ("started", "done").
//
// # Integrity
//
// Every returned part ETag is compared with the local MD5, and the
// multipart ETag (the MD5 of the part MD5s, "-N") at completion. The parts
// of a transfer in flight at once are hashed side by side with md5-simd
// (16 MD5s per pass of AVX-512 on one core, 8 with AVX2, crypto/md5
// elsewhere), at about a third of the CPU of crypto/md5 per part. Where
// nothing must precede a part's body (over HTTPS, without a flexible
// checksum, an ETag that is an MD5), the part is hashed as it is sent:
// read once, its ETag the check. Otherwise it is read twice: once for its
// digests (MD5, over plain HTTP the SHA-256 the request is signed with,
// the flexible checksum), sent with them in its Content-MD5 and headers,
// so the service refuses bytes damaged on the way. Every PutObject
// carries Content-MD5. An ETag is compared with the MD5 only where it is
// one: not with SSE-KMS or SSE-C, whether the request asked for it or the
// service's answer says it applied it (x-amz-server-side-encryption, as in
// a bucket whose default encryption is SSE-KMS; for a multipart upload,
// already in the answer to CreateMultipartUpload, so its parts go the
// second way from the start); the same decides for single PUTs, parts, the
// composite ETag and copies. A service that refuses a part without a
// digest (S3 in a bucket with Object Lock), or whose part ETags are not
// MD5s, gets that part again the second way, and every part after.
// Downloads check the size and, where the ETag allows, the MD5 or the
// composite ETag; the part size for
// the latter is recorded at upload in the metadata x-amz-meta-qcli-part-size
// (PartSizeMetadata), or found with a HEAD of part 1 for objects other
// tools wrote. A mismatch is an error, never a success. Result.Verified
// says which check was made.
//
// # Failure and resume
//
// A multipart upload that fails, or whose context is cancelled (Ctrl-C),
// is aborted on a fresh context bounded by Options.AbortTimeout, so no
// orphaned upload is left to be billed. A failed download leaves neither
// the target nor a temporary file. When Options.StateDir is set,
// UploadFile records each multipart upload of a file (bucket, key, size,
// mtime, part size, upload id) in a small JSON file there; if the process
// dies before it could abort (kill -9, a lost network), the next UploadFile
// of the same, unchanged file to the same key lists the parts already
// uploaded, keeps those whose ETag equals the local part's MD5 and sends
// the rest. States of changed files, of uploads that are gone, or unused
// for StateMaxAge are removed.
//
// # Concurrency and memory
//
// Two knobs share one budget. Options.Concurrency (C, default 16) is the
// number of data requests in flight across everything one Manager does,
// and the number of part buffers streams may hold; Options.PartConcurrency
// (parts of one object in flight, default C) and Options.ObjectConcurrency
// (objects of a tree in flight, default C) only divide it. Memory is
// therefore bounded by
//
//	files, either way:  C x ~128 KiB (HTTP and copy buffers; parts are not buffered)
//	streams (stdin up, stdout down):  C x part size   (default 16 x 8 MiB = 128 MiB)
//	trees:  the above + ~6 listing pages (1,000 keys each) per ListConcurrency + ObjectConcurrency pending objects
//	        (+ for downloads, the rare keys whose names need cleaning, such
//	        as "a//b", held back to the end; see CollisionError)
//
// plus the Go runtime's few MiB, and 1.5 MiB for the MD5 lanes while a
// multipart transfer runs. A stream whose parts have grown (past
// about 8 GB without ExpectedSize) holds C of the grown part size.
// The client's connection pool should be sized to match:
// client.Config.MaxConnsPerHost = Options.ConnsPerHost().
package transfer
