package provider

import "testing"

func TestServiceEndpoint(t *testing.T) {
	for _, row := range []struct {
		service, region, cloud, want string
	}{
		{"hss", "cn-north-4", "", "https://hss.cn-north-4.myhuaweicloud.com"},
		{"hss", "ap-southeast-1", "", "https://hss.ap-southeast-1.myhuaweicloud.com"},
		{"hss", "eu-west-101", "", "https://hss.eu-west-101.myhuaweicloud.eu"},
		{"iam", "eu-west-101", "", "https://iam.eu-west-101.myhuaweicloud.eu"},
		{"hss", "eu-west-102", "", "https://hss.eu-west-102.myhuaweicloud.eu"},
		// Paris (eu-west-0) is not one of the isolated European sites.
		{"hss", "eu-west-0", "", "https://hss.eu-west-0.myhuaweicloud.com"},
		{"hss", "eu-west-10", "", "https://hss.eu-west-10.myhuaweicloud.eu"},
		// An explicit cloud wins, in Europe too.
		{"hss", "eu-west-101", "example.cloud", "https://hss.eu-west-101.example.cloud"},
		{"hss", "cn-north-4", "myhuaweicloud.com", "https://hss.cn-north-4.myhuaweicloud.com"},
		{"iam", "cn-north-4", "example.cloud", "https://iam.cn-north-4.example.cloud"},
	} {
		if got := serviceEndpoint(row.service, row.region, row.cloud); got != row.want {
			t.Errorf("%s in %s (cloud %q) = %s, want %s", row.service, row.region, row.cloud, got, row.want)
		}
	}
}
