BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer
    Connect-Loomcycle -BaseUrl $server.BaseUrl
}

AfterAll {
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'Get-LoomcycleRuntimeState, Suspend-LoomcycleRuntime, Resume-LoomcycleRuntime' {
    It 'starts running' {
        $state = Get-LoomcycleRuntimeState
        $state | Should -BeOfType ([Loomcycle.RuntimeState])
        $state.State | Should -Be 'running'
    }

    It 'does not pause with -WhatIf' {
        Suspend-LoomcycleRuntime -WhatIf
        (Get-LoomcycleRuntimeState).State | Should -Be 'running'
    }

    It 'pauses without a prompt with -Force' {
        $result = Suspend-LoomcycleRuntime -Force
        $result | Should -BeOfType ([Loomcycle.PauseResult])
        $result.State | Should -Be 'paused'
        (Get-LoomcycleRuntimeState).State | Should -Be 'paused'
    }

    It 'refuses to start a run while paused' {
        $before = @(Get-FakeServerRequest $server -Method POST -Path /v1/runs).Count
        { Invoke-LoomcycleRun -Agent echo -Prompt x -MaximumRetryCount 0 -ErrorAction Stop } | Should -Throw -ErrorId 'Unavailable*' -ExpectedMessage '*runtime_paused*'
        # With retries on, every attempt is refused by the paused runtime, and each one reaches the server.
        Invoke-LoomcycleRun -Agent echo -Prompt x -MaximumRetryCount 1 -RetryIntervalSec 0 -ErrorAction SilentlyContinue -ErrorVariable refused
        $refused.Count | Should -Be 1
        $refused[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        @(Get-FakeServerRequest $server -Method POST -Path /v1/runs).Count | Should -Be ($before + 3)
    }

    It 'resumes' {
        $result = Resume-LoomcycleRuntime
        $result | Should -BeOfType ([Loomcycle.ResumeResult])
        $result.State | Should -Be 'running'
    }

    It 'reports a resume without a pause' {
        { Resume-LoomcycleRuntime -ErrorAction Stop } | Should -Throw -ErrorId 'NotPaused*'
    }
}
