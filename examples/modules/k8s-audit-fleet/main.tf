# k8s-audit-fleet: guard every Kubernetes cluster HSS lists in a project
# (narrowed by type, status or name prefix, or named by id) with
# k8s-audit-guard, one read of the window per cluster. A cluster id asked
# for that the list does not hold, or a fleet of no cluster at all, fails
# the plan instead of guarding nothing.

terraform {
  required_version = ">= 1.8"
  required_providers {
    hss = {
      source = "hss-tf/hss"
    }
  }
}

data "hss_kubernetes_clusters" "all" {
  region                = var.region
  enterprise_project_id = var.enterprise_project_id
}

locals {
  listed = { for c in data.hss_kubernetes_clusters.all.cluster_info_list : c.cluster_id => c }
  # Named clusters are guarded whatever their type or status: asked for by
  # id, an Upgrading cluster must not drop out unnoticed.
  guarded = {
    for id, c in local.listed : id => c
    if length(var.cluster_ids) > 0 ? contains(var.cluster_ids, id) : (
      (length(var.cluster_types) == 0 || contains(var.cluster_types, c.cluster_type))
      && (length(var.statuses) == 0 || contains(var.statuses, c.status))
      && startswith(c.cluster_name, var.name_prefix)
    )
  }
  unlisted = [for id in var.cluster_ids : id if !contains(keys(local.listed), id)]
}

module "guard" {
  source   = "../k8s-audit-guard"
  for_each = local.guarded

  region                = var.region
  enterprise_project_id = var.enterprise_project_id
  cluster_id            = each.key
  cluster_name          = each.value.cluster_name
  window_hours          = var.window_hours
  rules                 = var.rules
  allowed_usernames     = var.allowed_usernames
  trusted_images        = var.trusted_images
  enforce               = var.enforce
  max_listed            = var.max_listed
}
