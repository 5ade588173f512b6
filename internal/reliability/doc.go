// Package reliability holds qcli's end-to-end proofs of reliability and
// security. It has no code of its own, only tests, which drive the qcli
// command line against the emulator over TLS (and, in misbehave, the
// handler that makes the emulator break one rule):
//
//   - TestFaultMatrix runs each kind of transfer while the emulator injects
//     each kind of fault, once where retries can win and once where they
//     cannot, and prints the fault x operation table that README.md shows:
//     go test ./internal/reliability -run TestFaultMatrix -v, or with
//     QCLI_REPORT=path to write it to a file (bench/reliability.sh);
//   - TestSemanticFaults runs the destructive and verifying commands against
//     servers that break a rule of S3 (listings that loop, leave the prefix
//     or go back; answers that skip a key; GETs that ignore If-Match or send
//     too much) and files that change while they upload, and prints the
//     table README.md shows (QCLI_SEMANTIC_REPORT=path writes it); a case
//     is a semanticCase in a group of semanticGroups;
//   - the process tests interrupt the qcli binary and point it at dead and
//     black-holed endpoints;
//   - the security tests run every command with --debug and search the
//     output for secrets, and check TLS verification, redirects, credential
//     file modes and download paths.
package reliability
