# A guard planned every hour over the last 24 hours: with cache_dir, each
# plan asks the service only for the hour its window moved by and for the
# last 5 minutes (settle_delay); the rest comes from the directory.
provider "hss" {
  region    = "cn-north-4"
  cache_dir = "${path.root}/.hss-cache" # or HW_CACHE_DIR; keep it out of version control
}

data "hss_cluster_audit_logs" "last_day" {
  cluster_id = "6f1e4c2a-93b7-4d0e-8a5c-7b2f19d3e460"
  start_time = provider::hss::unix_ms(timeadd(plantimestamp(), "-24h"))
  end_time   = provider::hss::unix_ms(plantimestamp())

  # Only parsed events are needed here: no content in state.
  content_mode = "none"
}

output "deletions_last_day" {
  value = length([for r in data.hss_cluster_audit_logs.last_day.data_list : r if try(r.event.verb, "") == "delete"])
}
