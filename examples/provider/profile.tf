# A laptop with KooCLI configured (`hcloud configure init`): the profile
# gives the keys, the region and, when it records one, the project.
provider "hss" {
  profile = "audit-reader" # default: HW_PROFILE, else the file's current profile
  # shared_config_file = "~/.hcloud/config.json" # the default; HW_SHARED_CONFIG_FILE
}
