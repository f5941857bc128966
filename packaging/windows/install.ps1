#Requires -RunAsAdministrator
<#
.SYNOPSIS
Installs (or removes) the WeightGuard agent as a Windows service.

.DESCRIPTION
Copies weightguard.exe to "$env:ProgramFiles\WeightGuard"; creates "$env:ProgramData\WeightGuard" (configuration,
identity, spool, logs) with an access list of SYSTEM and Administrators only; writes agent.yaml there from the default
configuration unless one exists; registers the "WeightGuard" event-log source; registers the WeightGuardAgent service
(LocalSystem, delayed automatic start, restarted on failure). Running it again upgrades the binary and keeps the
configuration and the enrolment.

Then enrol and start:
  & "$env:ProgramFiles\WeightGuard\weightguard.exe" enroll --server https://aggregator.example:8443 --token TOKEN
  Start-Service WeightGuardAgent

.PARAMETER Binary
weightguard.exe, as built by `packaging/publish.sh win-x64 OUTDIR` on Windows.

.PARAMETER Config
The default configuration to start from (packaging/config/agent.yaml beside this script).

.PARAMETER Uninstall
Stops and removes the service, the event-log source and the program directory; keeps ProgramData\WeightGuard.
#>
[CmdletBinding(DefaultParameterSetName = 'Install')]
param(
    [Parameter(Mandatory, ParameterSetName = 'Install')] [string] $Binary,
    [Parameter(ParameterSetName = 'Install')] [string] $Config = (Join-Path $PSScriptRoot '..\config\agent.yaml'),
    [Parameter(Mandatory, ParameterSetName = 'Uninstall')] [switch] $Uninstall
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$serviceName = 'WeightGuardAgent'
$eventSource = 'WeightGuard'
$installDir = Join-Path $env:ProgramFiles 'WeightGuard'
$dataDir = Join-Path $env:ProgramData 'WeightGuard'
$configFile = Join-Path $dataDir 'agent.yaml'
$exe = Join-Path $installDir 'weightguard.exe'

function Invoke-Sc([string[]] $Arguments) {
    & sc.exe @Arguments | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "sc.exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

$service = Get-Service -Name $serviceName -ErrorAction SilentlyContinue
$wasRunning = $service -and $service.Status -eq 'Running'
if ($service -and $service.Status -ne 'Stopped') { Stop-Service -Name $serviceName -Force }

if ($Uninstall) {
    if ($service) { Invoke-Sc @('delete', $serviceName) }
    if ([System.Diagnostics.EventLog]::SourceExists($eventSource)) { [System.Diagnostics.EventLog]::DeleteEventSource($eventSource) }
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $installDir
    Write-Host "Removed the WeightGuard agent; $dataDir (configuration, identity, spool) is left in place."
    return
}

New-Item -ItemType Directory -Force -Path $installDir | Out-Null
Copy-Item -Force -Path $Binary -Destination $exe

# ProgramData lets every user read and create files; this directory holds the agent's identity key, so it inherits
# nothing and grants SYSTEM and Administrators alone (by SID, so it works in every display language).
New-Item -ItemType Directory -Force -Path $dataDir | Out-Null
$acl = New-Object System.Security.AccessControl.DirectorySecurity
$acl.SetAccessRuleProtection($true, $false)
$administrators = New-Object System.Security.Principal.SecurityIdentifier('S-1-5-32-544')
$acl.SetOwner($administrators)
foreach ($sid in @('S-1-5-18', 'S-1-5-32-544')) {
    $rule = New-Object System.Security.AccessControl.FileSystemAccessRule(
        (New-Object System.Security.Principal.SecurityIdentifier($sid)), 'FullControl',
        'ContainerInherit, ObjectInherit', 'None', 'Allow')
    $acl.AddAccessRule($rule)
}
Set-Acl -Path $dataDir -AclObject $acl

# The default configuration with this machine's paths for state and logs (forward slashes keep the YAML plain).
if (-not (Test-Path $configFile)) {
    $data = $dataDir -replace '\\', '/'
    (Get-Content -Raw -Path $Config) `
        -replace '(?m)^state: .*$', "state: $data" `
        -replace '(?m)^  file: .*$', "  file: $data/logs/agent.json" `
        -replace '(?m)^weights: .*$', 'weights: [D:/models]' |
        Set-Content -Path $configFile -Encoding utf8
}

if (-not [System.Diagnostics.EventLog]::SourceExists($eventSource)) {
    [System.Diagnostics.EventLog]::CreateEventSource($eventSource, 'Application')
}

# LocalSystem: BitLocker and TPM state (CIM) are readable by administrators only.
if (-not $service) {
    New-Service -Name $serviceName -DisplayName 'WeightGuard agent' `
        -Description 'Checks how this host protects model weights and reports to the WeightGuard aggregator.' `
        -BinaryPathName "`"$exe`" agent run --config `"$configFile`"" -StartupType Automatic | Out-Null
}
Invoke-Sc @('config', $serviceName, 'start=', 'delayed-auto')
# Restart after 1 minute, twice, then after 5 minutes; the failure count resets after a day. failureflag 1 applies
# the actions when the agent exits with an error, not only when it crashes.
Invoke-Sc @('failure', $serviceName, 'reset=', '86400', 'actions=', 'restart/60000/restart/60000/restart/300000')
Invoke-Sc @('failureflag', $serviceName, '1')

if ($wasRunning) { Start-Service -Name $serviceName }
Write-Host "Installed $exe; configuration $configFile (set weights: to the directories holding model weights)."
Write-Host "Enrol with: & `"$exe`" enroll --server URL --token TOKEN; then: Start-Service $serviceName"
