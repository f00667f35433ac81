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
        { Invoke-LoomcycleRun -Agent echo -Prompt x -MaximumRetryCount 0 -ErrorAction Stop } | Should -Throw
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
