// Package hss is a small client for the Huawei Cloud Host Security Service
// (HSS) API, limited to what this provider reads: the Kubernetes cluster
// audit-log list.
//
// It knows nothing of Terraform. A read travels as
//
//	Client.ListClusterAuditLogs -> pager (offset or line_num cursor)
//	  -> transport (sign with the official SDK signer, send, retry)
//	  -> decode (tolerant of the service's number-for-string quirks)
//
// and errors come back as *APIError values that carry the HTTP status,
// error_code, error_msg and request id, so the caller can explain them.
package hss
