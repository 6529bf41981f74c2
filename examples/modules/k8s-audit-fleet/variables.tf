variable "region" {
  description = "Region whose clusters are guarded; the provider's when null. One module call per region."
  type        = string
  default     = null
}

variable "enterprise_project_id" {
  description = "Enterprise project whose clusters are listed and read (all_granted_eps: every one the caller may see); the provider's when null."
  type        = string
  default     = null
}

variable "allow_empty" {
  description = "Let a fleet of no cluster plan (a project not yet populated); by default it fails, as a gate that looked at nothing."
  type        = bool
  default     = false
}

variable "cluster_types" {
  description = "Guard only clusters of these types (cce, k8s, aws, ...); all when empty."
  type        = list(string)
  default     = []
}

variable "statuses" {
  description = "Guard only clusters in these statuses; all when empty."
  type        = list(string)
  default     = ["Available"]
}

variable "name_prefix" {
  description = "Guard only clusters whose name starts with this."
  type        = string
  default     = ""
}

variable "cluster_ids" {
  description = "Guard these clusters, whatever their type, status or name; each must be listed, or the plan fails. When empty, every listed cluster the other filters keep."
  type        = list(string)
  default     = []
}

variable "window_hours" {
  description = "Length of each cluster's window, in hours, ending when the plan runs."
  type        = number
  default     = 24
}

variable "rules" {
  description = "Rules to evaluate; null evaluates them all."
  type        = list(string)
  default     = null
}

variable "allowed_usernames" {
  description = "Users exempt from the user-based rules in every cluster."
  type        = list(string)
  default     = []
}

variable "trusted_images" {
  description = "Images trusted with host access in every cluster (exempt from the pod rules)."
  type        = list(string)
  default     = []
}

variable "enforce" {
  description = "Fail the plan on a finding in any cluster instead of warning."
  type        = bool
  default     = false
}

variable "max_listed" {
  description = "How many findings each cluster's message lists before \"and N more\"."
  type        = number
  default     = 10
}
