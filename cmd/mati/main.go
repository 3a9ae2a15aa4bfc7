// Command mati inspects SageMaker model artifacts and prints what is missing,
// unexpected or dangerous. Run "mati --help" for the commands and exit codes.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
