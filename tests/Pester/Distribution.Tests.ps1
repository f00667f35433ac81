# The module as people get it: ./build.ps1 -Task Package publishes a .nupkg to a folder repository with
# PSResourceGet; it installs by name (into a path with spaces and non-ASCII characters), imports by name in a fresh
# process and works; two versions sit side by side and -RequiredVersion pins one.

BeforeAll {
    . $PSScriptRoot/TestHelpers.ps1
    $script:server = Start-FakeServer -Demo
    $script:pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $script:work = Join-Path ([System.IO.Path]::GetTempPath()) ("loomcycle-dist-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:repoName = 'LoomcycleTest' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $script:repoPath = Join-Path $work 'repository'
    $script:installPath = Join-Path $work 'Modules with spaces – ü ñ 模块'
    New-Item -ItemType Directory -Path $repoPath, $installPath -Force | Out-Null
    $script:version = [version] [regex]::Match((Get-Content (Join-Path $RepoRoot 'Loomcycle.psd1') -Raw), "ModuleVersion\s*=\s*'([0-9.]+)'").Groups[1].Value
    $script:nextVersion = [version]::new($version.Major, $version.Minor, [Math]::Max(0, $version.Build) + 1)

    # A fresh pwsh whose module path holds only the install folder (and pwsh's own modules): import by name.
    function Invoke-FreshPwsh([string] $Command) {
        $saved = $env:PSModulePath
        $env:PSModulePath = $installPath + [System.IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
        try { & $pwsh -NoProfile -NonInteractive -Command $Command 2>&1 }
        finally { $env:PSModulePath = $saved }
    }

    # The first version, through the build's own Package task (staging what `dotnet build` assembled).
    & $pwsh -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'build.ps1') -Task Package -NoBuild `
        -Repository $repoName -RepositoryPath $repoPath 2>&1 | Out-String | Set-Variable packageLog
    $script:packageExit = $LASTEXITCODE
    $script:packageLog = $packageLog
}

AfterAll {
    Get-PSResourceRepository -Name $repoName -ErrorAction SilentlyContinue | Unregister-PSResourceRepository
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
    Stop-FakeServer $script:server
}

Describe 'Package' {
    It 'publishes a .nupkg into the folder repository and leaves no repository registered' {
        $packageExit | Should -Be 0 -Because $packageLog
        Test-Path (Join-Path $repoPath "Loomcycle.$version.nupkg") | Should -BeTrue
        Get-PSResourceRepository -Name $repoName -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'holds the module and nothing else: no .pdb, no test or bench assemblies, no dependencies to fetch' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead((Join-Path $repoPath "Loomcycle.$version.nupkg"))
        try {
            $names = $zip.Entries.FullName
            $names | Should -Contain 'Loomcycle.psd1'
            $names | Should -Contain 'bin/Core/Loomcycle.PowerShell.dll'
            $names | Should -Contain 'bin/Desktop/Loomcycle.PowerShell.dll'
            $names | Should -Contain 'en-US/about_Loomcycle.help.txt'
            $names | Should -Contain 'LICENSE'
            $names | Where-Object { $_ -like '*.pdb' } | Should -BeNullOrEmpty
            $names | Where-Object { $_ -match 'Tests|Benchmark|FakeServer|xunit|HelpGen' } | Should -BeNullOrEmpty
            $reader = [System.IO.StreamReader]::new(($zip.Entries | Where-Object FullName -eq 'Loomcycle.nuspec').Open())
            [xml] $nuspec = $reader.ReadToEnd()
            $reader.Dispose()
        }
        finally { $zip.Dispose() }
        $nuspec.package.metadata.dependencies.ChildNodes.Count | Should -Be 0 -Because 'the module loads with nothing fetched'
        $nuspec.package.metadata.licenseUrl | Should -Be 'https://www.apache.org/licenses/LICENSE-2.0'
        $nuspec.package.metadata.projectUrl | Should -Not -BeNullOrEmpty
        $nuspec.package.metadata.tags | Should -Match 'loomcycle'
        # This version's CHANGELOG section, and not an older one's.
        $changelog = (Get-Content (Join-Path $RepoRoot 'CHANGELOG.md') -Raw) -replace "`r", ''
        $sections = [regex]::Matches($changelog, '(?s)## \[([0-9.]+)\]\s*(.*?)(?=\n## \[|\z)')
        $ours = $sections | Where-Object { $_.Groups[1].Value -eq $version.ToString() }
        $ours | Should -Not -BeNullOrEmpty -Because "CHANGELOG.md needs a section for $version"
        $firstEntry = ($ours.Groups[2].Value -split "`n" | Where-Object { $_ -like '- *' } | Select-Object -First 1).TrimEnd()
        $notes = $nuspec.package.metadata.releaseNotes -replace "`r", ''
        $notes.Contains($firstEntry) | Should -BeTrue -Because "the release notes hold '$firstEntry'"
        $older = $sections | Where-Object { $_.Groups[1].Value -ne $version.ToString() } | Select-Object -First 1
        if ($older) { $notes.Contains("## [$($older.Groups[1].Value)]") | Should -BeFalse }
    }
}

Describe 'Install by name, import by name' {
    BeforeAll {
        Register-PSResourceRepository -Name $repoName -Uri $repoPath -Trusted
        Save-PSResource -Name Loomcycle -Repository $repoName -Path $installPath -TrustRepository
    }

    It 'installs into a path with spaces and non-ASCII characters and runs a cmdlet in a fresh process' {
        Test-Path (Join-Path $installPath "Loomcycle/$version/Loomcycle.psd1") | Should -BeTrue
        $output = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module Loomcycle
`$m = Get-Module Loomcycle
"`$(`$m.Version)|`$(`$m.ModuleBase)"
Connect-Loomcycle -BaseUrl '$($server.BaseUrl)'
(Invoke-LoomcycleRun -Agent echo -Prompt 'installed by name' -AsResult).Text
"@
        $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
        $loaded, $base = $output[0] -split '\|'
        $loaded | Should -Be "$version"
        $base | Should -BeLike "$installPath*"
        $output[1] | Should -Be 'installed by name'
    }

    It 'keeps two versions side by side: a plain import takes the newest, -RequiredVersion the pinned one' {
        # A second version: the staged module with the next patch number, published like the first.
        $second = Join-Path $work 'second/Loomcycle'
        New-Item -ItemType Directory -Path $second -Force | Out-Null
        Copy-Item -Path (Join-Path $RepoRoot 'out/package/Loomcycle/*') -Destination $second -Recurse
        $manifestPath = Join-Path $second 'Loomcycle.psd1'
        (Get-Content $manifestPath -Raw) -replace "ModuleVersion\s*=\s*'[^']+'", "ModuleVersion        = '$nextVersion'" |
            Set-Content $manifestPath -Encoding utf8
        Publish-PSResource -Path $second -Repository $repoName
        Save-PSResource -Name Loomcycle -Version "$nextVersion" -Repository $repoName -Path $installPath -TrustRepository

        (Get-ChildItem (Join-Path $installPath 'Loomcycle') -Directory).Name | Sort-Object | Should -Be (@("$version", "$nextVersion") | Sort-Object)

        $newest = Invoke-FreshPwsh "Import-Module Loomcycle; (Get-Module Loomcycle).Version.ToString()"
        $newest | Should -Be "$nextVersion"
        $pinned = Invoke-FreshPwsh @"
Import-Module Loomcycle -RequiredVersion '$version'
(Get-Module Loomcycle).Version.ToString()
Connect-Loomcycle -BaseUrl '$($server.BaseUrl)'
(Get-LoomcycleHealth).Ok
"@
        $pinned | Should -Be @("$version", 'True')
    }
}
