package provider

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/hss-tf/terraform-provider-hss/internal/httpclient"
)

// caCerts reads cacert_file (HW_CACERT_FILE): a PEM bundle trusted, beside
// the system's roots, by the HSS and IAM clients. Nil when unset.
func caCerts(v setting, diags *diag.Diagnostics) *x509.CertPool {
	if v.value == "" {
		return nil
	}
	pool, err := httpclient.LoadCACerts(v.value)
	if err != nil {
		diags.AddAttributeError(path.Root("cacert_file"), "Invalid cacert_file",
			fmt.Sprintf("%s is %q, which cannot be used: %s. Set it to a PEM file of the certificate authorities that sign "+
				"your endpoints' certificates (such as a corporate proxy's), or unset it to trust the system's.", v.source, v.value, err))
		return nil
	}
	return pool
}

// warnWeakTransport says when a setting weakens what protects the
// credentials and the audit logs on the way: TLS verification off, or a
// plain-http endpoint that is not on this machine. The ECS metadata
// service's fixed http://169.254.169.254 is link-local by design and not
// warned about.
func warnWeakTransport(insecure, insecureFromEnv bool, hssEndpoint, iamEndpoint string, diags *diag.Diagnostics) {
	if insecure {
		where := "insecure = true"
		if insecureFromEnv {
			where = "HW_INSECURE"
		}
		diags.AddAttributeWarning(path.Root("insecure"), "TLS certificate verification is off",
			fmt.Sprintf("%s skips the verification of the endpoints' certificates: anyone on the network path can pose as HSS or IAM, "+
				"and receive the signed requests and the IAM token. Meant for test endpoints only; to trust a private certificate "+
				"authority instead, set cacert_file (HW_CACERT_FILE) to its PEM file.", where))
	}
	for _, ep := range []struct{ name, url string }{{"hss", hssEndpoint}, {"iam", iamEndpoint}} {
		u, err := url.Parse(ep.url)
		if err != nil || u.Scheme != "http" || loopback(u.Hostname()) {
			continue
		}
		diags.AddAttributeWarning(path.Root("endpoints").AtMapKey(ep.name), "Endpoint without TLS",
			fmt.Sprintf("The %s endpoint %s is plain http: requests, their signatures and any IAM or security token, and the answers, "+
				"cross the network unencrypted. Use https, unless the endpoint is a local test server.", ep.name, u.Scheme+"://"+u.Host))
	}
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
