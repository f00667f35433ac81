BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer -Demo
    Connect-Loomcycle -BaseUrl $server.BaseUrl
}

AfterAll {
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'Get-LoomcycleInterrupt' {
    It 'lists the pending interrupts of a user, with the question' {
        $interrupts = Get-LoomcycleInterrupt -UserId u1
        $interrupts[0] | Should -BeOfType ([Loomcycle.Interrupt])
        $interrupts.Question | Should -Contain 'Deploy to production?'
    }

    It 'lists the interrupts of a run with -Status' {
        $pending = Get-LoomcycleInterrupt -UserId u1 -Status pending | Select-Object -First 1
        (Get-LoomcycleInterrupt -RunId $pending.RunId -Status all).InterruptId | Should -Contain $pending.InterruptId
    }
}

Describe 'Resolve-LoomcycleInterrupt' {
    It 'answers an interrupt given by -RunId and -InterruptId' {
        $pending = Get-LoomcycleInterrupt -UserId u1 -Status pending | Select-Object -First 1
        $resolution = Resolve-LoomcycleInterrupt -RunId $pending.RunId -InterruptId $pending.InterruptId -Answer yes -ResolvedBy pester
        $resolution | Should -BeOfType ([Loomcycle.InterruptResolution])
        $resolution.Status | Should -Be 'resolved'
        (Get-LoomcycleInterrupt -UserId u1 -Status resolved).InterruptId | Should -Contain $pending.InterruptId
    }

    It 'binds from Get-LoomcycleInterrupt output' {
        # The interrupt agent raises a question for the run's user and ends the run.
        $events = Invoke-LoomcycleRun -Agent interrupt -Prompt 'Ship it?' -UserId u2
        $pending = $events | Where-Object Type -eq 'interruption_pending'
        $pending.Interruption.Question | Should -Be 'Ship it?'
        $resolution = Get-LoomcycleInterrupt -UserId u2 -Status pending | Resolve-LoomcycleInterrupt -Answer no
        $resolution.InterruptId | Should -Be $pending.Interruption.InterruptId
        $resolution.Status | Should -Be 'resolved'
    }
}
