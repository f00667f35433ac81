BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer -Demo
    Connect-Loomcycle -BaseUrl $server.BaseUrl
}

AfterAll {
    Disconnect-Loomcycle
    Stop-FakeServer $script:server
}

Describe 'Invoke-LoomcycleRun' {
    It 'streams events to the pipeline in server order' {
        $events = Invoke-LoomcycleRun -Agent echo -Prompt 'hello pester'
        $events | Should -Not -BeNullOrEmpty
        $events[0] | Should -BeOfType ([Loomcycle.RunEvent])
        $events[0].Type | Should -Be 'session'
        $events[-1].Type | Should -Be 'done'
        -join ($events | Where-Object Type -eq 'text' | ForEach-Object Text) | Should -Match 'hello pester'
    }

    It 'shows each event on one line' {
        $lines = Invoke-LoomcycleRun -Agent tools -Prompt 'fetch' | Out-String -Stream | Where-Object { $_ }
        $lines | Should -Contain 'Let me fetch that page.'
        ($lines | Where-Object { $_ -like '→ WebFetch*' }) | Should -Not -BeNullOrEmpty
    }

    It 'returns one result with -AsResult' {
        $result = Invoke-LoomcycleRun -Agent echo -Prompt 'one two' -AsResult
        $result | Should -BeOfType ([Loomcycle.RunResult])
        $result.Text | Should -Be 'one two'
        $result.Succeeded | Should -BeTrue
        $result.SessionId | Should -Match '^s_'
    }

    It 'writes prose to the host with -Prose' {
        $all = Invoke-LoomcycleRun -Agent echo -Prompt 'prose here' -Prose 6>&1
        $result = $all | Where-Object { $_ -is [Loomcycle.RunResult] }
        $result.Text | Should -Be 'prose here'
        $prose = -join ($all | Where-Object { $_ -is [System.Management.Automation.InformationRecord] } | ForEach-Object { "$($_.MessageData)" })
        $prose | Should -Match 'prose here'
        @($all | Where-Object { $_ -is [Loomcycle.RunEvent] }).Count | Should -Be 0 # prose instead of event objects
    }

    It 'passes the run options' {
        $bearer = ConvertTo-SecureString 'user-bearer-0123456789abcdef' -AsPlainText -Force
        $result = Invoke-LoomcycleRun -Agent echo -Prompt 'opts' -SystemPrompt 'Be brief.' -Tool Read, 'Grep*' -AllowedHost @() `
            -WebSearchFilter drop -TenantId default -UserId u1 -AgentId 'a_pester_1' -UserTier free -UserBearer $bearer -AsResult
        $result.AgentId | Should -Be 'a_pester_1'
        $sent = (Get-FakeServerRequest $server -Method POST -Path /v1/runs | Select-Object -Last 1).Body
        $sent.agent | Should -Be 'echo'
        $sent.segments[0].role | Should -Be 'system'
        $sent.segments[0].content[0].text | Should -Be 'Be brief.'
        $sent.segments[-1].content[0].text | Should -Be 'opts'
        $sent.tools | Should -Be @('Read', 'Grep*')
        , $sent.allowed_hosts | Should -BeOfType ([object[]])
        @($sent.allowed_hosts).Count | Should -Be 0 # an empty list (deny all), not null
        $sent.web_search_filter | Should -Be 'drop'
        $sent.tenant_id | Should -Be 'default'
        $sent.user_id | Should -Be 'u1'
        $sent.agent_id | Should -Be 'a_pester_1'
        $sent.user_tier | Should -Be 'free'
        $sent.user_bearer | Should -Be 'user-bearer-0123456789abcdef'
    }

    It 'accepts segments as hashtables, JSON objects, JSON text and arrays of them' {
        $segment = @{ Role = 'user'; Content = @(@{ Type = 'trusted-text'; Text = 'from a hashtable' }) }
        (Invoke-LoomcycleRun -Agent echo -Segment $segment -AsResult).Text | Should -Be 'from a hashtable'

        $json = '{"role":"user","content":[{"type":"trusted-text","text":"from JSON"}]}'
        (Invoke-LoomcycleRun -Agent echo -Segment ($json | ConvertFrom-Json) -AsResult).Text | Should -Be 'from JSON'
        (Invoke-LoomcycleRun -Agent echo -Segment $json -AsResult).Text | Should -Be 'from JSON'

        $two = @(
            [pscustomobject]@{ Role = 'system'; Content = 'Be brief.' }
            @{ role = 'user'; content = @('plain text block', @{ text = 'a second block' }) }
        )
        (Invoke-LoomcycleRun -Agent echo -Segment $two -AsResult).Text | Should -Be "plain text block`na second block"
    }

    It 'refuses a segment property it does not know, naming it, before sending' {
        { Invoke-LoomcycleRun -Agent echo -Segment @{ Role = 'user'; Contents = 'typo' } -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*no property 'Contents'*"
    }

    It 'appends to a session with -SessionId' {
        $first = Invoke-LoomcycleRun -Agent echo -Prompt 'first' -AsResult
        (Invoke-LoomcycleRun -Agent echo -Prompt 'second' -SessionId $first.SessionId -AsResult).SessionId | Should -Be $first.SessionId
    }

    It 'fails a failed run so -ErrorAction Stop stops' {
        { Invoke-LoomcycleRun -Agent fail -Prompt x -ErrorAction Stop } | Should -Throw -ErrorId 'RunFailed*'
    }

    It 'reports an unknown agent as an error before any event' {
        $events = Invoke-LoomcycleRun -Agent 'no-such-agent' -Prompt x -ErrorAction SilentlyContinue -ErrorVariable failure
        $events | Should -BeNullOrEmpty
        $failure.Count | Should -Be 1
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument,*'
        $failure[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failure[0].Exception.Message | Should -Match 'unknown agent "no-such-agent"'
    }
}

Describe 'Send-LoomcycleMessage' {
    It 'continues a session given by -SessionId' {
        $first = Invoke-LoomcycleRun -Agent echo -Prompt 'start' -AsResult
        $next = Send-LoomcycleMessage -SessionId $first.SessionId -Prompt 'and more' -AsResult
        $next.SessionId | Should -Be $first.SessionId
        $next.Text | Should -Match 'and more'
    }

    It 'binds -SessionId from the pipeline' {
        $events = Invoke-LoomcycleRun -Agent echo -Prompt 'piped' -AsResult | Send-LoomcycleMessage -Prompt 'again'
        $events[-1].Type | Should -Be 'done'
    }
}

Describe 'Get-LoomcycleTranscript' {
    It 'returns the session and its events' {
        $run = Invoke-LoomcycleRun -Agent echo -Prompt 'for the transcript' -AsResult
        $transcript = Get-LoomcycleTranscript -SessionId $run.SessionId
        $transcript | Should -BeOfType ([Loomcycle.Transcript])
        $transcript.SessionId | Should -Be $run.SessionId
        $transcript.Events.Count | Should -BeGreaterThan 0
    }

    It 'reports an unknown session as not found' {
        { Get-LoomcycleTranscript -SessionId 's_does_not_exist' -ErrorAction Stop } | Should -Throw -ErrorId 'SessionNotFound*'
    }
}
