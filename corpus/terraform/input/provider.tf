provider "dynatrace" {
  dt_env_url   = "https://abc12345.live.dynatrace.com"
  dt_api_token = var.dynatrace_api_token
}
