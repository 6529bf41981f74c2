# CI signs in with its own keys (from HW_ACCESS_KEY and HW_SECRET_KEY) and
# reads the audit logs of the security account through one of its agencies.
provider "hss" {
  region = "cn-north-4"
  assume_role = {
    agency_name = "hss-audit-reader"
    domain_name = "security-account"
    duration    = "1h"
  }
}
