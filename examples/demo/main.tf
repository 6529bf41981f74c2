# The configuration `make demo` plans against the local HSS stand-in.
# hss-demo sets the variables and the credentials (HW_* environment).

terraform {
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

variable "start_time" {
  description = "Start of the window, Unix epoch milliseconds."
  type        = number
}

variable "end_time" {
  description = "End of the window, Unix epoch milliseconds."
  type        = number
}

provider "hss" {
  endpoints = {
    hss = var.hss_endpoint
  }
}

data "hss_cluster_audit_logs" "last_3_days" {
  cluster_id = var.cluster_id
  start_time = var.start_time
  end_time   = var.end_time
  limit      = 10 # small pages, to show paging at work
}

data "hss_cluster_audit_logs" "deletions" {
  cluster_id = var.cluster_id
  start_time = var.start_time
  end_time   = var.end_time
  verb       = "delete"
}

output "total_num" {
  value = data.hss_cluster_audit_logs.last_3_days.total_num
}

output "records_read" {
  value = length(data.hss_cluster_audit_logs.last_3_days.data_list)
}

output "deletions" {
  value = [
    for r in data.hss_cluster_audit_logs.deletions.data_list : {
      time      = r.time
      host_name = r.host_name
      user      = try(jsondecode(r.content).user.username, null)
      object    = try("${jsondecode(r.content).objectRef.resource}/${jsondecode(r.content).objectRef.namespace}/${jsondecode(r.content).objectRef.name}", r.content)
    }
  ]
}
