package k8saudit

import "testing"

// BenchmarkParse parses 1,000 records per op in roughly the mix a cluster
// logs: mostly events, some free text, a little foreign JSON.
func BenchmarkParse(b *testing.B) {
	kinds := []string{
		createSecret, deleteSecret, patchSecret, execPod, anonymous, impersonation, bare,
		"listImageTags failed, Method: GET Url=/v2/library/nginx/tags/list, Reason: 401 Unauthorized",
		"ImagePullBackOff: Back-off pulling image \"nginx:1.27\"",
		`{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0"}}`,
	}
	records := make([]string, 1000)
	size := 0
	for i := range records {
		records[i] = kinds[i%len(kinds)]
		size += len(records[i])
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range records {
			Parse(r)
		}
	}
}
