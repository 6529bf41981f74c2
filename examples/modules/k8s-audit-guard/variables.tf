variable "cluster_id" {
  description = "ID of the HSS-protected Kubernetes cluster to guard."
  type        = string
}

variable "window_hours" {
  description = "Length of the window, in hours, ending when the plan runs."
  type        = number
  default     = 24

  validation {
    condition     = var.window_hours > 0 && var.window_hours <= 24 * 30
    error_message = "window_hours must be between 1 and 720 (30 days)."
  }
}

variable "allowed_principals" {
  description = "Users allowed to perform the forbidden actions, such as the CI robot's service account."
  type        = list(string)
  default     = []
}

variable "forbidden_verbs" {
  description = "Kubernetes verbs that make a violation."
  type        = list(string)
  default     = ["delete", "deletecollection"]
}

variable "forbidden_resources" {
  description = "Resources on which those verbs make a violation; `resource/subresource` (e.g. `pods/exec`) for a subresource."
  type        = list(string)
  default     = ["secrets"]

  validation {
    condition     = length(var.forbidden_resources) > 0
    error_message = "forbidden_resources must name at least one resource, such as \"secrets\"."
  }
}

variable "namespaces" {
  description = "Namespaces to guard; empty guards them all."
  type        = list(string)
  default     = []
}

variable "enforce" {
  description = "Fail the plan on a violation (a precondition) instead of warning (a check block)."
  type        = bool
  default     = false
}
