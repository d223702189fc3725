variable "dynatrace_env_url" {
  description = "Environment URL, e.g. https://<env-id>.live.dynatrace.com"
  type        = string
}

variable "dynatrace_api_token" {
  description = "API token with settings.read, settings.write and ReadConfig/WriteConfig"
  type        = string
  sensitive   = true
  default     = "@@dt0c01@@"
}

variable "alerting_profile" {
  type    = string
  default = "payments-critical"
}
