<#
.SYNOPSIS
  Installs or uninstalls exchange-vss-exporter as a Windows service (WinSW wrapper).

.DESCRIPTION
  Run from the unpacked distribution directory, in an elevated PowerShell (5.1 or 7). Installing:
    1. puts the WinSW executable beside exchange-vss-exporter.xml as exchange-vss-exporter.exe,
    2. writes the path of java.exe (17 or later) into exchange-vss-exporter.xml,
    3. registers the service (automatic, delayed start) under the account given,
    4. adds that account to the local "Event Log Readers" group (by SID S-1-5-32-573, so any language works),
    5. sets the recovery actions: restart after 10 s, 30 s, 2 min; the count starts over after an hour,
    6. opens the metrics port in Windows Firewall (inbound TCP, Domain and Private profiles),
    7. starts the service and checks /-/healthy.
  Running it again updates an existing installation.

.PARAMETER WinSW
  Path of WinSW-x64.exe (WinSW 2.x, from https://github.com/winsw/winsw/releases). Not needed when
  exchange-vss-exporter.exe is already in this directory.

.PARAMETER Java
  Path of java.exe; default: JAVA_HOME\bin\java.exe, else java.exe on the PATH.

.PARAMETER Account
  The service account. Default: the virtual account "NT SERVICE\exchange-vss-exporter" (reads the local log;
  towards remote servers it is the computer account DOMAIN\HOST$). A group managed service account ends in $
  ("CONTOSO\svc-vss$") and needs no password. Any other account needs -Credential.

.PARAMETER Credential
  Credential of a user account (Get-Credential); its password is never a plain parameter. The account also
  needs the "Log on as a service" right (Local Security Policy or a GPO).

.PARAMETER Port
  The metrics port, default 19607; written into exchange-vss-exporter.yml and opened in the firewall.

.PARAMETER RemoteAddress
  Who may reach the port, e.g. the Prometheus server's address; default Any.

.PARAMETER Uninstall
  Stops and removes the service, its firewall rule and, for the virtual account, its group membership.
  The data directory (bookmark and state) stays unless -RemoveData is given too.

.EXAMPLE
  .\install-service.ps1 -WinSW C:\Downloads\WinSW-x64.exe -RemoteAddress 10.0.5.20
.EXAMPLE
  .\install-service.ps1 -Account 'CONTOSO\svc-vss$'
.EXAMPLE
  .\install-service.ps1 -Uninstall
#>
#Requires -RunAsAdministrator
[CmdletBinding(DefaultParameterSetName = 'Install')]
param(
    [Parameter(ParameterSetName = 'Install')] [string] $WinSW,
    [Parameter(ParameterSetName = 'Install')] [string] $Java,
    [Parameter(ParameterSetName = 'Install')] [string] $Account = 'NT SERVICE\exchange-vss-exporter',
    [Parameter(ParameterSetName = 'Install')] [System.Management.Automation.PSCredential] $Credential,
    [Parameter(ParameterSetName = 'Install')] [ValidateRange(1, 65535)] [int] $Port = 19607,
    [Parameter(ParameterSetName = 'Install')] [string[]] $RemoteAddress = @('Any'),
    [Parameter(ParameterSetName = 'Uninstall', Mandatory)] [switch] $Uninstall,
    [Parameter(ParameterSetName = 'Uninstall')] [switch] $RemoveData
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$ServiceId = 'exchange-vss-exporter'
$Base = $PSScriptRoot
$Wrapper = Join-Path $Base "$ServiceId.exe"
$WrapperXml = Join-Path $Base "$ServiceId.xml"
$ConfigFile = Join-Path $Base "$ServiceId.yml"
$FirewallRule = "$ServiceId-http"
$EventLogReadersSid = 'S-1-5-32-573'
$VirtualAccount = "NT SERVICE\$ServiceId"

function Invoke-Native([string] $What, [scriptblock] $Command) {
    $output = & $Command 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "$What failed (exit code $LASTEXITCODE): $output"
    }
}

function Find-Java {
    if ($Java) { return (Resolve-Path $Java).Path }
    if ($env:JAVA_HOME -and (Test-Path (Join-Path $env:JAVA_HOME 'bin\java.exe'))) {
        return (Join-Path $env:JAVA_HOME 'bin\java.exe')
    }
    $onPath = Get-Command java.exe -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    throw 'java.exe not found: install a Java 17 (or later) runtime, or give -Java C:\path\to\java.exe'
}

function Assert-Java17([string] $JavaExe) {
    $version = (& $JavaExe -version 2>&1 | Select-Object -First 1).ToString()
    if ($version -notmatch 'version "(\d+)') { throw "cannot tell the version of $JavaExe from: $version" }
    if ([int] $Matches[1] -lt 17) { throw "$JavaExe is Java $($Matches[1]); exchange-vss-exporter needs 17 or later" }
}

function Set-WrapperJava([string] $JavaExe) {
    $escaped = [System.Security.SecurityElement]::Escape($JavaExe)
    $xml = Get-Content -Raw -LiteralPath $WrapperXml
    $xml = [regex]::Replace($xml, '<executable>[^<]*</executable>', "<executable>$escaped</executable>")
    Set-Content -LiteralPath $WrapperXml -Value $xml -Encoding UTF8
}

function Set-ListenPort([int] $ListenPort) {
    $yml = Get-Content -Raw -LiteralPath $ConfigFile
    $yml = [regex]::Replace($yml, '(?m)^(\s*listen-address:\s*)"[^"]*"', "`${1}`":$ListenPort`"")
    Set-Content -LiteralPath $ConfigFile -Value $yml -Encoding UTF8
}

function Grant-Modify([string] $Path, [string] $Who) {
    New-Item -ItemType Directory -Force -Path $Path | Out-Null
    Invoke-Native "granting $Who write access to $Path" { icacls.exe $Path /grant "${Who}:(OI)(CI)M" /Q }
}

function Add-EventLogReader([string] $Who) {
    try {
        Add-LocalGroupMember -SID $EventLogReadersSid -Member $Who
        Write-Host "Added $Who to Event Log Readers."
    } catch [Microsoft.PowerShell.Commands.MemberExistsException] {
        Write-Host "$Who is already in Event Log Readers."
    }
}

function Set-ServiceAccount {
    # Win32_Service.Change takes the password in the call: it never appears in a command line. Virtual
    # accounts and gMSAs have no password to give.
    if ($Credential) {
        $name = $Credential.UserName
        $password = $Credential.GetNetworkCredential().Password
    } elseif ($Account -eq $VirtualAccount -or $Account.EndsWith('$')) {
        $name = $Account
        $password = ''
    } else {
        throw "-Account $Account is a user account: give -Credential (Get-Credential) instead, or use a gMSA (name ending in `$)"
    }
    $service = Get-CimInstance Win32_Service -Filter "Name='$ServiceId'"
    $result = Invoke-CimMethod -InputObject $service -MethodName Change -Arguments @{ StartName = $name; StartPassword = $password }
    if ($result.ReturnValue -ne 0) {
        throw "setting the service account to $name failed (Win32_Service.Change returned $($result.ReturnValue))"
    }
    return $name
}

function Install-Exporter {
    if ($WinSW) {
        Copy-Item -LiteralPath $WinSW -Destination $Wrapper -Force
    } elseif (-not (Test-Path $Wrapper)) {
        throw "WinSW is missing: download WinSW-x64.exe (2.x) from https://github.com/winsw/winsw/releases, check its SHA-256 against the release page, and run again with -WinSW C:\path\to\WinSW-x64.exe"
    }
    $javaExe = Find-Java
    Assert-Java17 $javaExe
    Set-WrapperJava $javaExe
    Set-ListenPort $Port

    $existing = Get-Service -Name $ServiceId -ErrorAction SilentlyContinue
    if ($existing) {
        if ($existing.Status -ne 'Stopped') { Stop-Service -Name $ServiceId }
        Invoke-Native 'updating the service' { & $Wrapper refresh }
    } else {
        Invoke-Native 'installing the service' { & $Wrapper install }
    }
    $who = Set-ServiceAccount
    Grant-Modify (Join-Path $Base 'data') $who
    Grant-Modify (Join-Path $Base 'logs') $who
    Add-EventLogReader $who

    # WinSW restarts a failed exporter itself; these cover a failure of the wrapper process too.
    Invoke-Native 'setting recovery actions' { sc.exe failure $ServiceId reset= 3600 actions= restart/10000/restart/30000/restart/120000 }
    Invoke-Native 'setting recovery on non-crash failures' { sc.exe failureflag $ServiceId 1 }

    Get-NetFirewallRule -Name $FirewallRule -ErrorAction SilentlyContinue | Remove-NetFirewallRule
    New-NetFirewallRule -Name $FirewallRule -DisplayName "Exchange VSS exporter (TCP $Port)" -Direction Inbound `
        -Protocol TCP -LocalPort $Port -RemoteAddress $RemoteAddress -Profile Domain, Private -Action Allow | Out-Null

    Start-Service -Name $ServiceId
    Write-Host "Service $ServiceId started as $who; waiting for http://localhost:$Port/-/healthy ..."
    for ($i = 0; $i -lt 30; $i++) {
        Start-Sleep -Seconds 1
        try {
            $health = Invoke-WebRequest -UseBasicParsing -Uri "http://localhost:$Port/-/healthy" -TimeoutSec 2
            if ($health.StatusCode -eq 200) {
                Write-Host "Healthy. Metrics: http://$($env:COMPUTERNAME):$Port/metrics"
                return
            }
        } catch { }
    }
    Write-Warning "No answer on port $Port after 30 s: see $(Join-Path $Base 'logs') and 'Get-Service $ServiceId'."
}

function Uninstall-Exporter {
    $existing = Get-Service -Name $ServiceId -ErrorAction SilentlyContinue
    if ($existing) {
        if ($existing.Status -ne 'Stopped') { Stop-Service -Name $ServiceId }
        if (Test-Path $Wrapper) {
            Invoke-Native 'removing the service' { & $Wrapper uninstall }
        } else {
            Invoke-Native 'removing the service' { sc.exe delete $ServiceId }
        }
    }
    Get-NetFirewallRule -Name $FirewallRule -ErrorAction SilentlyContinue | Remove-NetFirewallRule
    try {
        Remove-LocalGroupMember -SID $EventLogReadersSid -Member $VirtualAccount
    } catch {
        Write-Verbose "$VirtualAccount was not in Event Log Readers"
    }
    if ($RemoveData) {
        Remove-Item -Recurse -Force -LiteralPath (Join-Path $Base 'data') -ErrorAction SilentlyContinue
    }
    Write-Host "Service $ServiceId removed$(if (-not $RemoveData) { '; data\ kept' })."
}

if ($Uninstall) { Uninstall-Exporter } else { Install-Exporter }
