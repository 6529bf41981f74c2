// Package credentials finds and renews the Huawei Cloud credentials that
// sign API calls: static keys, the KooCLI shared config file, the ECS
// instance metadata service, and an IAM agency (assume role). It also
// discovers a region's project ID through IAM.
//
// It knows nothing of Terraform or of HSS. The provider builds the sources
// (provider block, environment, shared config profile, ECS metadata) and
// hands them to Chain; the HSS client asks the chosen Provider for a
// current Value before every attempt, so temporary credentials are renewed
// in the middle of a long read.
//
// The IAM calls are signed with the official SDK signer exactly as the HSS
// client signs its calls: a fresh SDK request per attempt, query values as
// reflect.Values, X-Security-Token put on the request before signing. A
// POST body is hashed into the signature: it is given to the SDK request as
// a string (a []byte would be JSON-encoded, as base64) with Content-Type
// application/json, and the bytes the SDK hashed are the bytes sent.
//
// No error or String method of this package prints a secret key or a
// security token.
package credentials
