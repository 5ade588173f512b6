// Package quicksync is a client for the QuickSync upload API
// (https://api.quicksync.me): session login, a simplified multipart upload
// of files to IPFS-backed storage, listing, file info, deletion and download
// URLs.
//
// Every call takes a context first, returns typed errors (see Error and the
// Err* sentinels) and prints nothing. Requests carry the session's bearer
// token, which JoinSession obtains. Failed calls are retried with backoff,
// honouring Retry-After, by the QStorage client's rules: after 429 or a
// refused connection always; after 500, 502, 503, 504 or a broken
// connection when the call is idempotent (all but Initiate). An Initiate
// whose answer is lost (the connection reset, cut short or timed out, or
// the call cancelled) is not sent again; instead it deletes the upload it
// may have started, which List shows under exactly the encrypted name
// it sent: names are encrypted with a random salt, so no other upload,
// even of the same file, matches. When that deletion fails, the error is a
// *LostUploadError naming what may be left open.
//
// The upload calls (Initiate, UploadPart, Complete, Delete) are the API's
// multipart flow one call at a time; transfer.UploadQuickSync runs the
// whole of it with the transfer package's multipart engine, to which a
// QuickSync upload is one implementation of its part-writer interface
// (write a part, complete, abort) beside S3's: it encrypts
// the file name with the session ID (EncryptName; the OpenSSL / CryptoJS
// passphrase format, so `openssl enc -d -aes-256-cbc -md md5 -a -A -pass
// pass:SESSION_ID` decrypts it), sends the parts in parallel, completes
// the upload and reports progress, and deletes a failed upload again,
// returning this package's UploadResult and UploadError. This package
// never imports transfer: API clients only speak their APIs.
//
// The API document leaves some details open; this package settles them as
// follows. The part upload sends uploadId, partNumber and key as headers.
// The join response's expiry is read from credentials.expiresAt,
// credentials.expiration or credentials.expiresIn, else from the token's own
// "exp" claim when it is a JWT. A file's fileKey is the fileId the
// file-specific calls take.
package quicksync
