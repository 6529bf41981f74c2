// Command hss-demo runs `terraform plan` of an example configuration
// against the local HSS stand-in, with a locally built provider served
// through dev_overrides: the data source at work with no cloud account.
//
// It is what `make demo` runs. The stand-in serves the seed data (the last
// three days, relative to now: in prod-cce, a human deleting a Secret and
// another exec-ing into a pod, the guard's two findings; in sec-lab, an
// event for every detection rule) and the seeded cluster list, checks
// signatures as the real API does, and nothing outside this machine is
// contacted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

func main() {
	var o options
	flag.StringVar(&o.providerDir, "provider-dir", "bin", "directory holding the built terraform-provider-hss binary")
	flag.StringVar(&o.configDir, "config", "examples/demo", "Terraform configuration to plan")
	flag.StringVar(&o.terraform, "terraform", "terraform", "Terraform CLI to run")
	flag.Parse()
	o.planArgs = flag.Args() // e.g. -var enforce=true
	o.stdout, o.stderr = os.Stdout, os.Stderr

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintf(os.Stderr, "hss-demo: %v\n", err)
		os.Exit(1)
	}
}

type options struct {
	providerDir, configDir, terraform string
	planArgs                          []string
	stdout, stderr                    io.Writer
}

func run(ctx context.Context, o options) error {
	absProvider, err := filepath.Abs(o.providerDir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(absProvider, "terraform-provider-hss")); err != nil {
		return fmt.Errorf("no provider binary in %s (run make build first): %w", absProvider, err)
	}

	now := time.Now()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: standin.New(standin.Options{
			ProjectID: standin.SeedProjectID, AccessKey: standin.DemoAccessKey, SecretKey: standin.DemoSecretKey,
			Records: standin.Seed(now), Clusters: standin.SeedClusters(now),
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()
	endpoint := "http://" + ln.Addr().String()

	tmp, err := os.MkdirTemp("", "hss-demo")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	rc := filepath.Join(tmp, "terraform.rc")
	rcText := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", "hss-tf/hss", absProvider)
	if err := os.WriteFile(rc, []byte(rcText), 0o600); err != nil {
		return err
	}

	fmt.Fprintf(o.stdout, "hss-demo: HSS stand-in at %s (seed data from %s to now)\n", endpoint, now.Add(-72*time.Hour).UTC().Format(time.RFC3339))
	fmt.Fprintf(o.stdout, "hss-demo: terraform plan of %s with the provider built in %s\n\n", o.configDir, absProvider)

	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+rc,
		"TF_IN_AUTOMATION=1",
		// Modules and plugin state go to the temporary directory, not the example's.
		"TF_DATA_DIR="+filepath.Join(tmp, "data"),
		"HW_REGION_NAME=cn-north-4",
		"HW_PROJECT_ID="+standin.SeedProjectID,
		"HW_ACCESS_KEY="+standin.DemoAccessKey,
		"HW_SECRET_KEY="+standin.DemoSecretKey,
		"TF_VAR_hss_endpoint="+endpoint,
		"TF_VAR_cluster_id="+standin.SeedCCEClusterID,
	)
	// A local module must be installed, which `terraform get` does offline;
	// `terraform init` would ask the registry for the dev_overrides provider.
	steps := [][]string{
		{"-chdir=" + o.configDir, "get"},
		append([]string{"-chdir=" + o.configDir, "plan", "-input=false", "-lock=false"}, o.planArgs...),
	}
	for _, args := range steps {
		cmd := exec.CommandContext(ctx, o.terraform, args...)
		cmd.Stdout, cmd.Stderr, cmd.Env = o.stdout, o.stderr, env
		if err := cmd.Run(); err != nil {
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				return fmt.Errorf("terraform %s failed (exit %d)", args[1], exit.ExitCode())
			}
			return err
		}
	}
	return nil
}
