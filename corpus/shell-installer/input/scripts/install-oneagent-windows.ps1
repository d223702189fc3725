# Downloads the Windows OneAgent installer; the PaaS token comes from the build agent's secret store.
param(
    [string]$Environment = "xyz98765",
    [string]$HostGroup = "win-batch"
)

$ErrorActionPreference = "Stop"
$url = "https://$Environment.live.dynatrace.com/api/v1/deployment/installer/agent/windows/default/latest?arch=x86&flavor=default&Api-Token=$env:DT_PAAS_TOKEN"
Invoke-WebRequest -Uri $url -OutFile "$env:TEMP\Dynatrace-OneAgent-Windows.exe" -UseBasicParsing

Start-Process -Wait -FilePath "$env:TEMP\Dynatrace-OneAgent-Windows.exe" -ArgumentList "--quiet", "--set-host-group=$HostGroup"
