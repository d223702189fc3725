dynatrace_env_url   = "https://abc12345.live.dynatrace.com"
dynatrace_api_token = "@@dt0c01@@"
alerting_profile    = "payments-prod"
