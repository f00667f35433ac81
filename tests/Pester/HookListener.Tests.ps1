# Script-block hooks in a real pwsh: Register-LoomcycleHook -ScriptBlock, the hook listener, and the example
# examples/deny-web-fetch.ps1 (in this session, in a thread job and in a background job) against the fake server.
BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    # No -Demo: the demo's own WebFetch hook points at an unreachable callback and would deny first.
    $script:server = Start-FakeServer
    Connect-Loomcycle -BaseUrl $server.BaseUrl
    $script:example = Join-Path $script:RepoRoot 'examples/deny-web-fetch.ps1'
    $script:manifest = Join-Path $script:RepoRoot 'out/Loomcycle/Loomcycle.psd1'

    function Get-WebFetchResult {
        param([string] $Agent = 'tools')
        Invoke-LoomcycleRun -Agent $Agent -Prompt 'fetch' | Where-Object { $_.Type -eq 'tool_result' -and $_.ToolUse.Name -eq 'WebFetch' }
    }

    function Wait-Hook {
        param([string] $Name, [switch] $Gone, [int] $TimeoutSec = 60)
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
        while ([DateTime]::UtcNow -lt $deadline) {
            $present = @(Get-LoomcycleHook | Where-Object Name -eq $Name).Count -gt 0
            if ($present -ne [bool] $Gone) { return $true }
            Start-Sleep -Milliseconds 100
        }
        $false
    }
}

AfterAll {
    Stop-LoomcycleHookListener -Confirm:$false
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'Register-LoomcycleHook -ScriptBlock' {
    AfterEach { Stop-LoomcycleHookListener -Confirm:$false }

    It 'answers the server''s hook calls from this session' {
        $hook = Register-LoomcycleHook -Owner pester -Name deny -Phase pre -Tool WebFetch -ScriptBlock {
            param($call) @{ Deny = "no fetching $($call.ToolCall.Input.url) for $($call.Agent)" }
        }
        $hook.CallbackUrl | Should -Match '^http://127\.0\.0\.1:\d+/hooks/[0-9a-f]{32}$'
        $result = Get-WebFetchResult
        $result.Text | Should -Be 'no fetching https://example.com/ for tools'
        $result.IsError | Should -BeTrue
    }

    It 'runs cmdlets of the default session state in the script block and replaces a result' {
        Register-LoomcycleHook -Owner pester -Name post -Phase post -Tool WebFetch -ScriptBlock {
            param($call)
            Start-Sleep -Milliseconds 10
            @{ Result = @{ Text = ($call.ToolResult | Select-Object Text | ConvertTo-Json -Compress); IsError = $false } }
        } | Out-Null
        (Get-WebFetchResult).Text | Should -Be '{"Text":"<html><title>Example Domain</title></html>"}'
    }

    It 'denies the call when a closed hook''s script block throws, however -FailMode and -Phase are written' {
        # -FailMode Closed once reached the listener as typed and failed open: the throwing guard let WebFetch run.
        Register-LoomcycleHook -Owner pester -Name closed -Phase Pre -Tool WebFetch -FailMode Closed -ScriptBlock { param($call) throw 'guard down' } | Out-Null
        $result = Get-WebFetchResult
        $result.Text | Should -Be 'tool_call denied: hook pester/closed failed (it threw an error)'
        $result.IsError | Should -BeTrue
        (Get-LoomcycleHookListener).Hooks.FailMode | Should -Be 'closed'
    }

    It 'leaves no listener behind when the registration fails under -ErrorAction Stop' {
        $down = Connect-Loomcycle -BaseUrl 'http://127.0.0.1:1' -PassThru -NoDefault
        { Register-LoomcycleHook -Connection $down -Owner pester -Name down -Phase pre -MaximumRetryCount 0 -ErrorAction Stop -ScriptBlock { param($call) } } |
            Should -Throw -ErrorId '*,Loomcycle.PowerShell.Commands.RegisterLoomcycleHookCommand'
        Get-LoomcycleHookListener | Should -BeNullOrEmpty
    }

    It 'answers a throwing script block by the closed fail mode and keeps the error' {
        Register-LoomcycleHook -Owner pester -Name broken -Phase pre -Tool WebFetch -FailMode closed -ScriptBlock {
            param($call) Get-Item -Path '/no/such/path/at/all'
        } | Out-Null
        (Get-WebFetchResult).Text | Should -Be 'tool_call denied: hook pester/broken failed (it threw an error)'
        $errors = (Get-LoomcycleHookListener).Errors
        $errors.Count | Should -Be 1
        $errors[0].Reason | Should -Be 'Threw'
        $errors[0].Message | Should -Match 'no such path|does not exist|Cannot find path'
    }

    It 'answers a slow script block by the fail mode before the server''s timeout' {
        Register-LoomcycleHook -Owner pester -Name slow -Phase pre -Tool WebFetch -FailMode closed -TimeoutSec 1 -ScriptBlock {
            param($call) Start-Sleep -Seconds 30
        } | Out-Null
        (Get-WebFetchResult).Text | Should -Be 'tool_call denied: hook pester/slow failed (no answer within 0.75 s)'
        (Get-LoomcycleHookListener).Errors[0].Reason | Should -Be 'TimedOut'
    }

    It 'unregisters its hooks when the listener stops' {
        Register-LoomcycleHook -Owner pester -Name stopping -Phase pre -ScriptBlock { param($call) } | Out-Null
        (Get-LoomcycleHook).Name | Should -Contain 'stopping'
        Get-LoomcycleHookListener | Stop-LoomcycleHookListener -Confirm:$false
        @(Get-LoomcycleHook | ForEach-Object Name) | Should -Not -Contain 'stopping'
        Get-LoomcycleHookListener | Should -BeNullOrEmpty
    }
}

Describe 'examples/deny-web-fetch.ps1' {
    It 'denies WebFetch from this session with -NoWait, and lets allowed hosts through' {
        $hook = & $script:example -BaseUrl $server.BaseUrl -NoWait
        $hook.Name | Should -Be 'deny-web-fetch'
        $result = Get-WebFetchResult
        $result.Text | Should -Match "^WebFetch of 'https://example.com/' is not allowed here \(hook ops/deny-web-fetch\)"
        $result.IsError | Should -BeTrue

        & $script:example -BaseUrl $server.BaseUrl -NoWait -AllowHost '.example.com' | Out-Null
        (Get-WebFetchResult).Text | Should -Be '<html><title>Example Domain</title></html>'

        Stop-LoomcycleHookListener -Confirm:$false
        @(Get-LoomcycleHook | ForEach-Object Name) | Should -Not -Contain 'deny-web-fetch'
    }

    It 'runs as a thread job until stopped, then unregisters the hook' {
        $job = Start-ThreadJob -ScriptBlock {
            param($manifest, $example, $url)
            Import-Module $manifest
            & $example -BaseUrl $url
        } -ArgumentList $script:manifest, $script:example, $server.BaseUrl
        try {
            Wait-Hook -Name 'deny-web-fetch' | Should -BeTrue -Because (($job | Receive-Job -Keep 2>&1) -join "`n")
            (Get-WebFetchResult).Text | Should -Match '^WebFetch of .* is not allowed here'
        }
        finally {
            $job | Stop-Job
        }
        Wait-Hook -Name 'deny-web-fetch' -Gone | Should -BeTrue
        $job | Remove-Job -Force
    }

    It 'runs as a background job (another process) for -DurationSec, then unregisters the hook' {
        $job = Start-Job -ScriptBlock {
            param($manifest, $example, $url)
            Import-Module $manifest
            & $example -BaseUrl $url -Name 'deny-web-fetch-bg' -DurationSec 20
        } -ArgumentList $script:manifest, $script:example, $server.BaseUrl
        try {
            Wait-Hook -Name 'deny-web-fetch-bg' | Should -BeTrue -Because (($job | Receive-Job -Keep 2>&1) -join "`n")
            (Get-WebFetchResult).Text | Should -Match '^WebFetch of .* is not allowed here \(hook ops/deny-web-fetch-bg\)'
            $job | Wait-Job -Timeout 60 | Out-Null
            $job.State | Should -Be 'Completed' -Because (($job | Receive-Job -Keep 2>&1) -join "`n")
            @(Get-LoomcycleHook | ForEach-Object Name) | Should -Not -Contain 'deny-web-fetch-bg'
        }
        finally {
            $job | Remove-Job -Force
        }
    }
}
