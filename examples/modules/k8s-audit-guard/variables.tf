variable "cluster_id" {
  description = "ID of the HSS-protected Kubernetes cluster to guard."
  type        = string
}

variable "region" {
  description = "Region of the cluster; the provider's when null."
  type        = string
  default     = null
}

variable "enterprise_project_id" {
  description = "Enterprise project of the cluster's servers; the provider's when null."
  type        = string
  default     = null
}

variable "cluster_name" {
  description = "Name of the cluster, for the messages; the ID alone when empty."
  type        = string
  default     = ""
}

variable "window_hours" {
  description = "Length of the window, in hours, ending when the plan runs."
  type        = number
  default     = 24

  validation {
    condition     = var.window_hours >= 1 && var.window_hours <= 24 * 30
    error_message = "window_hours must be between 1 and 720 (30 days)."
  }
}

variable "rules" {
  description = "Rules to evaluate (see the hss_cluster_audit_findings data source); null evaluates them all."
  type        = list(string)
  default     = null
}

variable "allowed_usernames" {
  description = "Users exempt from the user-based rules, such as the CI robot's service account; a value ending in * is a prefix."
  type        = list(string)
  default     = []
}

variable "trusted_images" {
  description = "Images trusted with host access (a CNI's, say): exempt from the pod rules; a value ending in * is a prefix."
  type        = list(string)
  default     = []
}

variable "enforce" {
  description = "Fail the plan on a finding (a postcondition) instead of warning (a check block)."
  type        = bool
  default     = false
}

variable "max_listed" {
  description = "How many findings a message lists before \"and N more\"."
  type        = number
  default     = 10
}
