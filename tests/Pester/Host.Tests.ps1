# What only a real pwsh shows: a downstream Select-Object ending a live stream, a connection shared with
# ForEach-Object -Parallel and thread jobs, Start-Job in another process, strict mode, and module reloads.

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer -Demo
    Connect-Loomcycle -BaseUrl $server.BaseUrl
    $script:manifest = Join-Path $RepoRoot 'out/Loomcycle/Loomcycle.psd1'
}

AfterAll {
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'Select-Object -First on a live stream' {
    It 'ends the stream at once: the server sees the client go and cancels the run' {
        # "hold" writes "first" and then holds the stream open until released: only closing it can end this pipeline.
        $events = Invoke-LoomcycleRun -Agent hold -Prompt x -UserId pester-first | Where-Object Type -eq 'text' | Select-Object -First 1
        $events.Text | Should -Be 'first'

        $agent = $null
        $deadline = [DateTime]::UtcNow.AddSeconds(30)   # a bound for a loaded machine, not a timing assertion
        do {
            $agent = Get-LoomcycleAgent -UserId pester-first -Status all | Select-Object -First 1
            if ($agent -and $agent.Status -ne 'running') { break }
            Start-Sleep -Milliseconds 50
        } while ([DateTime]::UtcNow -lt $deadline)
        $agent.Status | Should -Be 'cancelled'
        $agent.StopReason | Should -Be 'client disconnected'
    }

    It 'writes nothing after the first object and leaves no error' {
        $Error.Clear()
        $all = Invoke-LoomcycleRun -Agent echo -Prompt 'one two three four five' | Select-Object -First 2
        @($all).Count | Should -Be 2
        $Error.Count | Should -Be 0 -Because 'a pipeline stopped downstream is not a failure'
    }
}

Describe 'Sharing one connection across runspaces' {
    BeforeAll {
        $token = ConvertTo-SecureString 'shared-runspace-token-0123456789' -AsPlainText -Force
        $script:tokenServer = Start-FakeServer -Token 'shared-runspace-token-0123456789'
        $script:shared = Connect-Loomcycle -BaseUrl $tokenServer.BaseUrl -Token $token -PassThru -NoDefault
    }
    AfterAll { Stop-FakeServer $script:tokenServer }

    It 'runs eight agents from ForEach-Object -Parallel on one connection, token included' {
        $results = 1..8 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:manifest
            Invoke-LoomcycleRun -Connection $using:shared -Agent echo -Prompt "parallel $_" -AsResult
        }
        @($results).Count | Should -Be 8
        ($results | ForEach-Object Text | Sort-Object) | Should -Be (1..8 | ForEach-Object { "parallel $_" } | Sort-Object)
        $results | ForEach-Object { $_.Succeeded | Should -BeTrue }
    }

    It 'hands the connection to Start-ThreadJob' {
        $job = Start-ThreadJob -ArgumentList $manifest, $shared -ScriptBlock {
            param($manifest, $connection)
            Import-Module $manifest
            (Invoke-LoomcycleRun -Connection $connection -Agent echo -Prompt 'from a thread job' -AsResult).Text
            Get-LoomcycleHealth -Connection $connection | ForEach-Object Ok
        }
        $output = $job | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop
        $output | Should -Be @('from a thread job', $true)
    }

    It 'runs in Start-Job (another process) with the connection from the environment' {
        $env:LOOMCYCLE_BASE_URL = $tokenServer.BaseUrl
        $env:LOOMCYCLE_AUTH_TOKEN = 'shared-runspace-token-0123456789'
        try {
            $job = Start-Job -ArgumentList $manifest -ScriptBlock {
                param($manifest)
                Import-Module $manifest
                $connection = Get-LoomcycleConnection
                "$($connection.Source) $($connection.HasToken) $PID"
                (Invoke-LoomcycleRun -Agent echo -Prompt 'from another process' -AsResult -ErrorAction Stop).Text
            }
            $output = $job | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop
        }
        finally {
            Remove-Item Env:LOOMCYCLE_BASE_URL, Env:LOOMCYCLE_AUTH_TOKEN
        }
        $source, $hasToken, $jobPid = $output[0] -split ' '
        $source | Should -Be 'Environment'
        $hasToken | Should -Be 'True'
        [int] $jobPid | Should -Not -Be $PID
        $output[1] | Should -Be 'from another process'
    }

    It 'refuses the run in Start-Job when the environment token is wrong' {
        $env:LOOMCYCLE_BASE_URL = $tokenServer.BaseUrl
        $env:LOOMCYCLE_AUTH_TOKEN = 'not-the-right-token-000000000000'
        try {
            $job = Start-Job -ArgumentList $manifest -ScriptBlock {
                param($manifest)
                Import-Module $manifest
                try { Invoke-LoomcycleRun -Agent echo -Prompt x -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
            }
            $output = $job | Receive-Job -Wait -AutoRemoveJob
        }
        finally {
            Remove-Item Env:LOOMCYCLE_BASE_URL, Env:LOOMCYCLE_AUTH_TOKEN
        }
        $output | Should -BeLike 'Auth,*'
    }
}

Describe 'Set-StrictMode -Version Latest' {
    It 'runs the cmdlets and renders their views without a strict-mode error' {
        $text = & {
            Set-StrictMode -Version Latest
            $ErrorActionPreference = 'Stop'
            Invoke-LoomcycleRun -Agent tools -Prompt fetch | Out-String
            Invoke-LoomcycleRun -Agent echo -Prompt 'strict' -AsResult | Format-List | Out-String
            Get-LoomcycleSnapshot | Out-String
            Get-LoomcycleAgent -UserId u1 -Status all | Out-String
            Get-LoomcycleMemory -Scope agent -ScopeId researcher | Out-String
            Get-LoomcycleInterrupt -UserId u1 -Status all | Out-String
            Get-LoomcycleHook | Out-String
            Get-LoomcycleUser | Out-String
            Get-LoomcycleRuntimeState | Out-String
            (Get-LoomcycleMemory -Scope user -ScopeId u1 -Key preferences).ValueObject.language
        }
        $text | Should -Not -BeNullOrEmpty
        $text[-1] | Should -Be 'en'
    }
}

Describe 'Remove-Module and Import-Module again' {
    It 'unloads and loads again in the same session, and the cmdlets work' {
        Remove-Module Loomcycle -Force
        Get-Command Invoke-LoomcycleRun -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Import-Module $manifest -Force
        Import-Module $manifest -Force
        (Get-Module Loomcycle).ExportedCmdlets.Count | Should -BeGreaterOrEqual 27
        Connect-Loomcycle -BaseUrl $server.BaseUrl
        (Invoke-LoomcycleRun -Agent echo -Prompt 'reloaded' -AsResult).Text | Should -Be 'reloaded'
        Get-LoomcycleSnapshot | Format-Table | Out-String | Should -Match 'nightly-prod'
    }
}
