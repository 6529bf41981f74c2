// Package standin is a local stand-in of the Huawei Cloud HSS APIs
// "GET /v5/{project_id}/container/kubernetes/cluster/audit-logs"
// (ListClusterAuditLogs) and "GET /v5/{project_id}/kubernetes/clusters"
// (ListKubernetesClusterDetails, see Cluster).
//
// Acceptance tests serve it with httptest.NewServer(standin.New(opts)) and
// `make demo` serves it through cmd/hss-standin. It is deliberately
// independent of the provider's client code (it imports nothing else from
// this module): it speaks the API as documented and verifies SDK-HMAC-SHA256
// signatures with the official SDK signer, so that it catches the client's
// mistakes instead of sharing them.
//
// Where the published reference is silent the stand-in is strict: required
// query parameters must be present, numbers must be integers, and page sizes
// above Options.MaxLimit are refused. Optional query parameters sent with an
// empty value are treated as absent.
package standin
