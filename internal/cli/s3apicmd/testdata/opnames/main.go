// Command opnames prints the AWS CLI names of the client's operations, for
// testdata/dump_awscli.py.
package main

import (
	"fmt"

	"github.com/quilibrium/qcli/client"
)

func main() {
	for _, op := range client.Operations() {
		fmt.Println(op.CLIName())
	}
}
