# Credentials are best left to the environment (HW_ACCESS_KEY, HW_SECRET_KEY,
# HW_SECURITY_TOKEN or HW_AUTH_TOKEN); the rest may live here or there too.
provider "hss" {
  region     = "cn-north-4"
  project_id = "0123456789abcdef0123456789abcdef"

  # Read every enterprise project the caller may see, unless a data source
  # says otherwise.
  enterprise_project_id = "all_granted_eps"
}
