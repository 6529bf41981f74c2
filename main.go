package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/hss-tf/terraform-provider-hss/internal/provider"
)

// version is set by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	// provider.NewServer is the framework's server with one direct path for
	// large reads; see its comment.
	if err := tf6server.Serve("registry.terraform.io/hss-tf/hss", provider.NewServer(version), opts...); err != nil {
		log.Fatal(err.Error())
	}
}
