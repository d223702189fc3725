module "dashboards" {
  source = "./modules/dashboards"
}

resource "dynatrace_alerting" "payments" {
  name = var.alerting_profile
  rules {
    rule {
      include_mode     = "NONE"
      delay_in_minutes = 0
      severity_level   = "AVAILABILITY"
    }
  }
}
