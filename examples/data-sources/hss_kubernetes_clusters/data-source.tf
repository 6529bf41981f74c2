# Every cluster HSS protects in the provider's project, and the available
# CCE ones by name.
data "hss_kubernetes_clusters" "all" {}

output "cce_clusters" {
  value = {
    for c in data.hss_kubernetes_clusters.all.cluster_info_list : c.cluster_name => c.cluster_id
    if c.cluster_type == "cce" && c.status == "Available"
  }
}
