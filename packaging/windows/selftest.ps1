#Requires -RunAsAdministrator
<#
.SYNOPSIS
  Checks the exporter against the real Windows Event Log and Service Control Manager: what a fake cannot settle.

.DESCRIPTION
  Run once from an elevated PowerShell in the unpacked exporter directory, before 'service install', on a
  Windows Server with or without Exchange. About five minutes. It:
    1. creates a classic event log 'ExVssSelfTest' (64 KB, overwrite as needed, readable by Event Log Readers) with
       the sources 'ExVssSelfTest' (events 9604-9607, what the exporter is told to read) and
       'ExVssSelfTestNoise' (other records); the Application log is never written to;
    2. installs the exporter as the service 'exchange-vss-exporter' with a configuration that reads only that log,
       on port 19699, with its configuration and data under %ProgramData%;
    3. prints PASS or FAIL for each case, and removes the service, the log and the data at the end, also after a
       failure.
  It refuses to run when the service is installed already.

.PARAMETER Java
  java.exe (17 or later) for the service; by default the one on the PATH.

.EXAMPLE
  .\selftest.ps1
#>
[CmdletBinding()]
param([string] $Java = 'java.exe')
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$Service = 'exchange-vss-exporter'
$Log = 'ExVssSelfTest'
$Source = 'ExVssSelfTest'
$Noise = 'ExVssSelfTestNoise'
$Port = 19699
$Jar = Join-Path $PSScriptRoot 'exchange-vss-exporter.jar'
# Under ProgramData, not the administrator's TEMP: the service account must read the configuration.
$Work = Join-Path $env:ProgramData "exvss-selftest-$PID"
$Data = Join-Path $Work 'data'
$Config = Join-Path $Work 'selftest.yml'
$Results = [System.Collections.Generic.List[string]]::new()
# The Application log's default access, Event Log Readers (S-1-5-32-573) included.
$ReadersCanRead = 'O:BAG:SYD:(A;;0xf0007;;;SY)(A;;0x7;;;BA)(A;;0x3;;;BO)(A;;0x5;;;SO)(A;;0x1;;;IU)(A;;0x3;;;SU)(A;;0x1;;;S-1-5-3)(A;;0x2;;;S-1-5-33)(A;;0x1;;;S-1-5-32-573)'

function Invoke-Exporter([string[]] $Arguments) {
    # What java writes to standard error is output here, not a terminating error.
    $ErrorActionPreference = 'Continue'
    $output = & $Java -jar $Jar @Arguments 2>&1
    if ($LASTEXITCODE -ne 0) { throw "java -jar exchange-vss-exporter.jar $($Arguments -join ' ') failed ($LASTEXITCODE): $output" }
}

function Get-Metrics {
    $text = (Invoke-WebRequest -UseBasicParsing -TimeoutSec 5 "http://localhost:$Port/metrics").Content
    $values = @{}
    foreach ($line in $text -split "`n") {
        if ($line -match '^(exchange_vss_source_[a-z_]+)\{([^}]*)\}\s+(\S+)') {
            $name = $Matches[1]
            $labels = $Matches[2]
            $value = [double] $Matches[3]
            if ($labels -match 'kind="([^"]+)"') { $name += ':' + $Matches[1] }
            $values[$name] = $value
        }
    }
    return $values
}

function Get-Metric([string] $Name) {
    $values = Get-Metrics
    if ($values.ContainsKey($Name)) { return $values[$Name] } else { return 0 }
}

function Wait-Until([scriptblock] $Condition, [int] $Seconds) {
    $deadline = (Get-Date).AddSeconds($Seconds)
    while ((Get-Date) -lt $deadline) {
        try { if (& $Condition) { return $true } } catch { }
        Start-Sleep -Milliseconds 500
    }
    return $false
}

function Write-TestEvents([int] $Count, [string] $From = $Source) {
    for ($i = 0; $i -lt $Count; $i++) {
        $id = if ($From -eq $Source) { 9604 + ($i % 4) } else { 1000 }
        Write-EventLog -LogName $Log -Source $From -EventId $id -EntryType Information -Message "selftest $From $i"
    }
}

function Get-RecordId([switch] $Oldest, [string] $From) {
    $filter = @{ LogName = $Log }
    if ($From) { $filter.ProviderName = $From }
    return (Get-WinEvent -FilterHashtable $filter -MaxEvents 1 -Oldest:$Oldest).RecordId
}

function Test-Case([string] $Name, [scriptblock] $Check) {
    try {
        $detail = & $Check
        $line = "PASS  $Name  $detail"
    } catch {
        $line = "FAIL  $Name  $($_.Exception.Message)"
    }
    $Results.Add($line)
    Write-Host $line
}

function Restart-Exporter([scriptblock] $WhileStopped) {
    Invoke-Exporter service, stop
    & $WhileStopped
    Invoke-Exporter service, start
    if (-not (Wait-Until { (Get-Metric 'exchange_vss_source_up') -eq 1 } 60)) { throw 'source not up 60 s after the restart' }
}

if (Get-Service -Name $Service -ErrorAction SilentlyContinue) {
    throw "the service $Service is installed: the self-test installs its own; run it before 'service install' (or uninstall first)"
}
try {
    New-Item -ItemType Directory -Force -Path $Work | Out-Null
    New-EventLog -LogName $Log -Source $Source, $Noise
    Limit-EventLog -LogName $Log -MaximumSize 64KB -OverflowAction OverwriteAsNeeded
    wevtutil.exe sl $Log "/ca:$ReadersCanRead"
    if ($LASTEXITCODE -ne 0) { Write-Warning "could not let Event Log Readers read $Log; the service may get access denied" }
    Set-Content -LiteralPath $Config -Encoding ASCII -Value @"
web:
  listen-address: ":$Port"
source:
  windows:
    channels: [$Log]
    queries:
      - "*[System[Provider[@Name='$Source']]]"
    lookback: 1d
    backoff:
      initial: 1s
      max: 10s
"@
    Write-TestEvents 3
    Invoke-Exporter service, install, "--config.file=$Config", "--storage.path=$Data"

    Test-Case 'first start reads the history' {
        if (-not (Wait-Until { (Get-Metric 'exchange_vss_source_events_read_total') -eq 3 } 60)) {
            throw "events read: $(Get-Metric 'exchange_vss_source_events_read_total'), expected 3"
        }
        'read 3'
    }
    Test-Case 'idle: EvtNext codes when nothing is there are no fault' {
        Start-Sleep -Seconds 10
        $m = Get-Metrics
        $errors = ($m.Keys | Where-Object { $_ -like 'exchange_vss_source_errors_total:*' } | ForEach-Object { "$_=$($m[$_])" }) -join ' '
        if ($m['exchange_vss_source_up'] -ne 1 -or $errors) { throw "up=$($m['exchange_vss_source_up']) $errors" }
        'up, no error after 10 s idle'
    }
    Test-Case 'live events counted within seconds' {
        Write-TestEvents 2
        if (-not (Wait-Until { (Get-Metric 'exchange_vss_source_events_read_total') -eq 5 } 10)) { throw 'not read within 10 s' }
        'read 2 more'
    }
    Test-Case 'restart resumes without loss or duplicates; the stop saved the state' {
        $before = Get-Metric 'exchange_vss_source_events_read_total'
        $stopped = Get-Date
        Restart-Exporter { Write-TestEvents 5 }
        $state = Get-Item (Join-Path $Data 'state.json')
        if ($state.LastWriteTime -lt $stopped.AddSeconds(-1)) { throw "state.json last written $($state.LastWriteTime), before the stop at $stopped" }
        # The counter starts from 0 or from its saved value: either way exactly the 5 new events are added.
        $expected = @(5, $before + 5)
        if (-not (Wait-Until { $expected -contains (Get-Metric 'exchange_vss_source_events_read_total') } 30)) {
            throw "events read after the restart: $(Get-Metric 'exchange_vss_source_events_read_total'), expected $($expected -join ' or ')"
        }
        if ((Get-Metric 'exchange_vss_source_events_missed_total') -ne 0) { throw 'missed counted' }
        'read exactly 5; state.json written at the stop'
    }
    Test-Case 'other records overwritten: a restart misses nothing (waits about 2 minutes)' {
        Write-TestEvents 150 $Noise
        $lastMatching = Get-RecordId -From $Source
        $position = Get-RecordId
        # The position moves past other sources' records once a minute, a minute late.
        Start-Sleep -Seconds 140
        Restart-Exporter {
            while ((Get-RecordId -Oldest) -le $lastMatching) { Write-TestEvents 10 $Noise }
            if ((Get-RecordId -Oldest) -gt $position) { throw 'the log wrapped too far to tell; rerun' }
        }
        Start-Sleep -Seconds 5
        $missed = Get-Metric 'exchange_vss_source_events_missed_total'
        if ($missed -ne 0) { throw "events_missed_total=$missed after only records already passed were overwritten" }
        $refused = Select-String -Quiet -Pattern 'strict subscription refused it' -Path (Join-Path $Data 'logs\exchange-vss-exporter.log')
        "record $lastMatching (the last read) overwritten, 0 missed; strict subscription refused a position on another source's record: $refused"
    }
    Test-Case 'wrapped past the position while stopped: counted' {
        Restart-Exporter {
            $newest = Get-RecordId
            Write-TestEvents 1
            while ((Get-RecordId -Oldest) -le $newest + 1) { Write-TestEvents 20 $Noise }
        }
        $wrapped = Get-Metric 'exchange_vss_source_errors_total:log_wrapped'
        $missed = Get-Metric 'exchange_vss_source_events_missed_total'
        if ($wrapped -lt 1 -or $missed -lt 1) { throw "log_wrapped=$wrapped missed=$missed" }
        "log_wrapped=$wrapped missed=$missed"
    }
    Test-Case 'cleared while running: reported, reading goes on' {
        $before = Get-Metric 'exchange_vss_source_events_read_total'
        Clear-EventLog -LogName $Log
        if (-not (Wait-Until { (Get-Metric 'exchange_vss_source_errors_total:log_cleared') -ge 1 } 30)) { throw 'no log_cleared within 30 s' }
        Write-TestEvents 2
        if (-not (Wait-Until { (Get-Metric 'exchange_vss_source_events_read_total') -ge $before + 2 } 30)) { throw 'events after the clear not read' }
        'log_cleared counted; 2 read after it'
    }
    Test-Case 'ForwardedEvents: a saved position never loops on a stale bookmark' {
        $forwarded = Get-WinEvent -ListLog ForwardedEvents -ErrorAction SilentlyContinue
        if (-not $forwarded -or $forwarded.RecordCount -lt 2) { return 'skipped: ForwardedEvents is empty here (run it on a collector)' }
        Invoke-Exporter service, stop
        (Get-Content -Raw $Config) -replace "channels: \[$Log\]", 'channels: [ForwardedEvents]' -replace '- ".*"', '- "*"' |
            Set-Content -LiteralPath $Config -Encoding ASCII
        Invoke-Exporter service, start
        Start-Sleep -Seconds 10
        Restart-Exporter { }
        Start-Sleep -Seconds 20
        $stale = Get-Metric 'exchange_vss_source_errors_total:query_stale'
        if ($stale -gt 0 -or (Get-Metric 'exchange_vss_source_up') -ne 1) { throw "query_stale=$stale" }
        'resumed, no query_stale'
    }
} finally {
    try { Invoke-Exporter service, uninstall } catch { Write-Warning $_ }
    try { Remove-EventLog -LogName $Log } catch { Write-Warning $_ }
    Copy-Item -LiteralPath (Join-Path $Data 'logs') -Destination (Join-Path $PSScriptRoot 'selftest-logs') -Recurse -Force -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force -LiteralPath $Work -ErrorAction SilentlyContinue
}
Write-Host ''
Write-Host ("{0} passed, {1} failed; the exporter's log is in selftest-logs\" -f
    @($Results | Where-Object { $_ -like 'PASS*' }).Count, @($Results | Where-Object { $_ -like 'FAIL*' }).Count)
if ($Results | Where-Object { $_ -like 'FAIL*' }) { exit 1 }
