# With credentials in the environment (HW_ACCESS_KEY and HW_SECRET_KEY) or in
# the KooCLI profile (~/.hcloud/config.json), an empty block is enough: the
# region comes from HW_REGION_NAME or the profile, and the project is
# discovered through IAM.
provider "hss" {
  region = "cn-north-4"

  # Read every enterprise project the caller may see, unless a data source
  # says otherwise.
  enterprise_project_id = "all_granted_eps"
}
