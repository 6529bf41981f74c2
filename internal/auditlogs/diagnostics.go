package auditlogs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hss-tf/terraform-provider-hss/internal/hss"
	"github.com/hss-tf/terraform-provider-hss/internal/safetext"
)

// explain turns a failed read into a diagnostic that says what happened,
// with every identifier support will ask for, and what to do about it.
func explain(err error, q hss.Query, p *ProviderData, timeout time.Duration) (summary, detail string) {
	msg := safetext.Escape(err.Error()) // it may quote what the service wrote
	var apiErr *hss.APIError
	var pagingErr *hss.PagingError
	var throttleErr *hss.ThrottleError
	var malformedErr *MalformedEventsError
	var tooLargeErr *StateTooLargeError
	switch {
	case errors.As(err, &throttleErr) && throttleErr.Forecast:
		limit := ""
		if throttleErr.RateSource == hss.RateSourceLimit {
			limit = " The provider's max_requests_per_second sets this pace: raise it if the account's quota allows."
		}
		return "Audit-log read cannot finish under the API quota", fmt.Sprintf("%s.\n\n"+
			"HSS allows each user 5 calls a minute per API (and 5 per IP address), shared by every plan and workspace of the account; "+
			"a read costs one call per %d records. Rather than spend calls for %s and fail at the deadline, the read stopped now. "+
			"Narrow the window (start_time, end_time) or let the service filter (verb, host_name, host_id, host_ip); "+
			"allow more time with timeouts = { read = \"...\" } (now %s); or run fewer plans on this account at once.%s",
			msg, q.Limit, timeout, timeout, limit)
	case errors.As(err, &throttleErr):
		return "Audit-log read throttled past its deadline", fmt.Sprintf("%s.\n\n"+
			"The service's API quota (5 calls a minute per user and API) kept the read waiting, and it could not finish within "+
			"timeouts.read (%s). Allow more time with timeouts = { read = \"...\" }, narrow the window or add verb/host_* filters, "+
			"or run fewer plans on this account at once.", msg, timeout)
	case errors.As(err, &apiErr):
		// Before the deadline cases: a per-attempt timeout is an API error
		// (no answer), not the read's deadline.
		return "Error reading HSS cluster audit logs", fmt.Sprintf("%s\n\n%s", facts(apiErr), remedy(apiErr, q, p))
	case errors.Is(err, context.DeadlineExceeded) && errors.Is(err, hss.ErrQuotaWait):
		return "Audit-log read throttled past its deadline", fmt.Sprintf("%s.\n\n"+
			"The service's API quota kept the read waiting, and it did not finish within timeouts.read (%s). "+
			"Allow more time with timeouts = { read = \"...\" }, narrow the window or add verb/host_* filters, "+
			"or run fewer plans on this account at once.", msg, timeout)
	case errors.Is(err, context.DeadlineExceeded):
		return "Audit-log read timed out", fmt.Sprintf("%s.\n\nThe read did not finish within its timeout of %s. "+
			"Narrow the window (start_time, end_time), or allow more time with timeouts = { read = \"...\" }.", msg, timeout)
	case errors.Is(err, context.Canceled):
		return "Audit-log read cancelled", msg + "."
	case errors.As(err, &tooLargeErr):
		return "Audit-log window too large for Terraform's state", msg + ".\n\nNarrow the window (start_time, end_time), " +
			"set max_results, or let fewer records through with filter or the service's verb and host_* filters."
	case errors.As(err, &malformedErr):
		return "Malformed audit events", msg + ".\n\nstrict_events = true fails the read on them. Look at these records' content " +
			"(with strict_events unset, they are in data_list with a null event, and malformed_num counts them)."
	case errors.As(err, &pagingErr):
		return "Audit-log read incomplete", fmt.Sprintf("%s.\n\nThe service's pages did not add up to a complete, faithful list, so no partial "+
			"result is returned. Try again; if it persists, report it to Huawei Cloud support with the cluster ID %s.", msg, q.ClusterID)
	default:
		return "Error reading HSS cluster audit logs", msg + "."
	}
}

// facts lists the service's answer field by field, so nothing is lost to
// a wrapped sentence. What the service wrote is escaped (safetext), so its
// control characters cannot drive the terminal.
func facts(e *hss.APIError) string {
	var b strings.Builder
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "HTTP status: %d\n", e.StatusCode)
	}
	if e.ErrorCode != "" {
		fmt.Fprintf(&b, "error_code: %s\n", safetext.Escape(e.ErrorCode))
	}
	if e.ErrorMsg != "" {
		fmt.Fprintf(&b, "error_msg: %s\n", safetext.Escape(e.ErrorMsg))
	}
	if e.Err != nil {
		fmt.Fprintf(&b, "error: %s\n", safetext.Escape(e.Err.Error()))
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, "request id: %s\n", safetext.Escape(e.RequestID))
	}
	if e.Page != "" {
		fmt.Fprintf(&b, "page: %s\n", safetext.Escape(e.Page))
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, "attempts: %d over %s\n", e.Attempts, e.Elapsed)
	} else if e.Attempts == 1 {
		b.WriteString("attempts: 1\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func remedy(e *hss.APIError, q hss.Query, p *ProviderData) string {
	switch {
	case e.StatusCode == 401:
		return "The service did not accept the credentials (" + p.CredentialSource + "). Check that the access key is active " +
			"and the secret key belongs to it, that a security token has not expired, or that the IAM token is current; " +
			"and that the machine's clock is right (signatures older than 15 minutes are refused)."
	case e.StatusCode == 403 && q.EnterpriseProjectID != "" && q.EnterpriseProjectID != "all_granted_eps":
		return fmt.Sprintf("The caller may not read enterprise project %q. Set enterprise_project_id to a project you have rights on, "+
			"or to all_granted_eps to read every project you may see.", q.EnterpriseProjectID)
	case e.StatusCode == 403:
		return "The caller lacks permission to read HSS cluster audit logs. Grant the IAM user the HSS read policy " +
			"(for example HSS ReadOnlyAccess); a user with rights on one enterprise project only must set enterprise_project_id to that project's ID."
	case e.StatusCode == 404:
		return "The service did not find the resource: check project_id (it must be the project of the region) and the endpoint."
	case e.StatusCode == 429:
		return fmt.Sprintf("The service throttled the read: %d attempts over %s. The account's API quota (5 calls a minute "+
			"per user and API) is shared by every plan using it: run fewer plans against this account at once, narrow the window, "+
			"or allow more time with timeouts = { read = \"...\" }.", e.Attempts, e.Elapsed)
	case e.StatusCode == 400:
		return "The service rejected the query; check the data source's arguments against error_msg."
	case e.StatusCode >= 500:
		return fmt.Sprintf("The service failed after %d attempts. Try again later; quote the request id to Huawei Cloud support if it persists.", e.Attempts)
	case errors.Is(e, hss.ErrUntrustedCertificate):
		return "The endpoint's certificate did not verify. Use an endpoint with a certificate your system trusts; " +
			"insecure = true (HW_INSECURE) skips the check, and is meant only for test endpoints."
	case e.StatusCode == 0 && errors.Is(e, context.DeadlineExceeded):
		return fmt.Sprintf("No answer from the service within the %s each attempt is allowed (%d attempts). "+
			"Check the endpoint and the network path (proxy, firewall); the service may be overloaded: try again later. "+
			"This is not the read's own deadline (timeouts.read), which raising would not help.", hss.AttemptTimeout, e.Attempts)
	case e.StatusCode == 0:
		return "No answer from the service. Check the endpoint, the network path (proxy, firewall) and DNS."
	default:
		return "The service's answer could not be used."
	}
}
