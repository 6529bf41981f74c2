// Command hss-standin serves the local HSS audit-log stand-in
// (internal/standin) with the seed data, for `make demo` and manual tries.
//
// The same address answers IAM's project listing and agency token exchange
// (internal/standin's IAM), so that project discovery, a data source in a
// second region (-other-region, whose project serves a copy of the seed)
// and assume_role can be tried too: point endpoints.hss and endpoints.iam
// (or auth_url) at the base URL.
//
// It listens on -addr (a free port by default), writes its base URL to
// -url-file once listening so a Makefile can pick it up, logs one line per
// request to stderr, and exits cleanly on SIGINT/SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/standin"
)

func main() {
	if err := run(); err != nil {
		log.Fatalf("hss-standin: %v", err)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	project := flag.String("project-id", standin.SeedProjectID, "accepted project id")
	ak := flag.String("ak", standin.DemoAccessKey, "accepted access key")
	sk := flag.String("sk", standin.DemoSecretKey, "accepted secret key")
	token := flag.String("token", "", "accepted IAM token (X-Auth-Token); none if empty")
	paging := flag.String("paging", "offset", "paging mode: offset (offset honoured) or cursor (offset ignored, line_num only)")
	latency := flag.Duration("latency", 0, "latency added to each request")
	urlFile := flag.String("url-file", "", "write the base URL to this file once listening")
	region := flag.String("region", "cn-north-4", "region of -project-id, for IAM's project listing")
	otherRegion := flag.String("other-region", "eu-west-101", "a second region of the account, with its own project and a copy of the seed")
	flag.Parse()

	seed := standin.Seed(time.Now())
	opts := standin.Options{
		ProjectID: *project, AccessKey: *ak, SecretKey: *sk,
		Records: seed, Latency: *latency,
		OtherProjects: map[string][]standin.Record{standin.SeedOtherProjectID: seed},
	}
	iamOpts := standin.IAMOptions{
		Keys:     map[string]string{*ak: *sk},
		Projects: map[string]string{*region: *project, *otherRegion: standin.SeedOtherProjectID},
	}
	if *token != "" {
		opts.Tokens = []string{*token}
		iamOpts.Tokens = []string{*token}
	}
	switch *paging {
	case "offset":
		opts.Paging = standin.OffsetHonoured
	case "cursor":
		opts.Paging = standin.CursorOnly
	default:
		return fmt.Errorf("-paging must be offset or cursor, not %q", *paging)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	if *urlFile != "" {
		if err := writeFileAtomic(*urlFile, base+"\n"); err != nil {
			_ = ln.Close()
			return err
		}
	}
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.Printf("hss-standin: serving HSS and IAM at %s (project %s in %s, %s in %s, access key %s, %s paging, %d records)",
		base, *project, *region, standin.SeedOtherProjectID, *otherRegion, *ak, *paging, len(opts.Records))

	// Credentials IAM issues for assume_role are accepted by HSS too.
	hss := standin.New(opts)
	iamOpts.OnIssue = func(c standin.IssuedCredential) { hss.AcceptTemporary(c.TempCredential) }
	mux := http.NewServeMux()
	mux.Handle("/v5/", hss)
	mux.Handle("/", standin.NewIAM(iamOpts))
	srv := &http.Server{Handler: logRequests(mux), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Printf("hss-standin: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// writeFileAtomic writes via a temporary file so a reader never sees a
// partial URL.
func writeFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".hss-standin-url-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// logRequests logs method, URI, status and duration of each request.
func logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := fmt.Sprint(rec.status)
		if rec.status == 0 {
			status = "no answer"
		}
		log.Printf("%s %s -> %s (%s, request id %s)", r.Method, r.URL.RequestURI(), status,
			time.Since(start).Round(time.Millisecond), w.Header().Get("X-Request-Id"))
	})
}

// recorder remembers the status; Unwrap keeps http.ResponseController
// (used to drop connections) working through it.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
