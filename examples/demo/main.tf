# The configuration `make demo` plans against the local HSS stand-in.
# hss-demo sets hss_endpoint, cluster_id and the credentials (HW_* environment).

terraform {
  required_version = ">= 1.8"
  required_providers {
    hss = {
      source = "hss-tf/hss"
    }
  }
}

variable "hss_endpoint" {
  description = "Base URL of the HSS API (the local stand-in in the demo)."
  type        = string
}

variable "cluster_id" {
  description = "Cluster whose audit logs are read."
  type        = string
}

variable "allowed_usernames" {
  description = "Users exempt from the guard's rules."
  type        = list(string)
  default     = ["system:serviceaccount:ci:deployer"]
}

variable "enforce" {
  description = "Fail the plan on a violation instead of warning."
  type        = bool
  default     = false
}

provider "hss" {
  endpoints = {
    hss = var.hss_endpoint
  }
}

# Guard the cluster: every detection, the CI robot exempt.
module "guard" {
  source = "../modules/k8s-audit-guard"

  cluster_id        = var.cluster_id
  cluster_name      = "prod-cce"
  window_hours      = 24
  allowed_usernames = var.allowed_usernames
  enforce           = var.enforce
}

# The last three days, read in small pages to show paging at work.
data "hss_cluster_audit_logs" "recent" {
  cluster_id = var.cluster_id
  start_time = provider::hss::unix_ms(timeadd(plantimestamp(), "-72h"))
  end_time   = provider::hss::unix_ms(plantimestamp())
  limit      = 10
}

output "records_read" {
  value = "${length(data.hss_cluster_audit_logs.recent.data_list)} of total_num ${data.hss_cluster_audit_logs.recent.total_num}"
}

output "pod_execs" {
  value = [
    for r in data.hss_cluster_audit_logs.recent.data_list :
    "${r.time_rfc3339} ${r.event.user.username} exec into ${r.event.object_ref.namespace}/${r.event.object_ref.name}"
    if try(r.event.object_ref.subresource == "exec", false)
  ]
}

output "findings" {
  value = module.guard.report
}

# The fleet: every cluster HSS protects in the project.
data "hss_kubernetes_clusters" "fleet" {}

output "fleet" {
  value = [for c in data.hss_kubernetes_clusters.fleet.cluster_info_list : "${c.cluster_name} (${c.cluster_type}, ${c.status})"]
}
