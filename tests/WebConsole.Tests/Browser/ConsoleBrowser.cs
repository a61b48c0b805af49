using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace SandboxRegistry.WebConsole.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by its chromedriver (both from apt, nothing downloaded), headless, Russian by default as a
/// user in Russia would see it. Every wait is for a condition on the page; every page visited is saved as a screenshot.
/// </summary>
public sealed class ConsoleBrowser : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private readonly ChromeDriver _driver;
    private readonly Uri _base;
    private readonly string _screenshots;
    private int _shots;

    /// <param name="scenario">Null for the main scenario (.run/screenshots/); another scenario's shots go to a folder of its
    /// own inside it, so that two browsers running at once do not clear each other's.</param>
    public ConsoleBrowser(Uri baseUrl, string? scenario = null)
    {
        _base = baseUrl;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1440,1100", "--lang=ru-RU");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        _driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
        _screenshots = Path.Combine(RepositoryRoot(), ".run", "screenshots");
        if (scenario is not null) _screenshots = Path.Combine(_screenshots, scenario);
        Directory.CreateDirectory(_screenshots);
        foreach (var old in Directory.GetFiles(_screenshots, "*.png")) File.Delete(old);
    }

    public IWebDriver Driver => _driver;

    public string Path_ => new Uri(_driver.Url).PathAndQuery;

    /// <summary>Opens <paramref name="path"/> and waits until <paramref name="ready"/> is on the page (the circuit has rendered it).</summary>
    public IWebElement Open(string path, string ready, string shot)
    {
        _driver.Navigate().GoToUrl(new Uri(_base, path));
        var element = Wait(ready);
        Shot(shot);
        return element;
    }

    public IWebElement Wait(string css, TimeSpan? timeout = null) =>
        Until(d => d.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed), $"'{css}' on {_driver.Url}", timeout);

    public T Until<T>(Func<IWebDriver, T?> condition, string what, TimeSpan? timeout = null)
    {
        var wait = new WebDriverWait(_driver, timeout ?? Patience) { Message = $"waited for {what}" };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        try
        {
            return wait.Until(d => condition(d))!;
        }
        catch (WebDriverTimeoutException)
        {
            Shot("timeout");
            throw;
        }
    }

    /// <summary>Types into the input of that id (its label names it) and leaves the field, as a keyboard user does.</summary>
    public void Type(string id, string text)
    {
        var input = Wait($"#{id}");
        input.Clear();
        input.SendKeys(text);
        input.SendKeys(Keys.Tab);
    }

    /// <summary>
    /// Sets a browser date control (whose typed form differs by locale) as its picker would, and fires its change event.
    /// </summary>
    public void SetDate(string id, string isoValue)
    {
        var input = Wait($"#{id}");
        ((IJavaScriptExecutor)_driver).ExecuteScript(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', { bubbles: true }));", input, isoValue);
    }

    /// <summary>Checks a checkbox whose input the component library draws over (the input itself is not displayed).</summary>
    public void Check(string css)
    {
        var input = Until(d => d.FindElements(By.CssSelector(css)).FirstOrDefault(), $"'{css}'");
        ((IJavaScriptExecutor)_driver).ExecuteScript("arguments[0].click();", input);
        Until(_ => input.Selected, $"'{css}' checked");
    }

    public void Click(string css) => Until(d =>
    {
        var element = d.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed && e.Enabled);
        if (element is null) return false;
        element.Click();
        return true;
    }, $"clickable '{css}'");

    public void Shot(string name)
    {
        var file = Path.Combine(_screenshots, $"{++_shots:00}-{name}.png");
        _driver.GetScreenshot().SaveAsFile(file);
    }

    /// <summary>Signs in on the development sign-in page as the people of the scenario do.</summary>
    public void SignIn(string role, string? org = null, string? client = null, string? sub = null, string returnUrl = "/")
    {
        _driver.Manage().Cookies.DeleteAllCookies();
        Open($"/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}", "#role", $"sign-in-{role}");
        Click($"#role option[value='{role}']");
        if (org is not null) { Wait("#org").SendKeys(org); }
        if (client is not null) { Wait("#client").SendKeys(client); }
        if (sub is not null) { Wait("#sub").SendKeys(sub); }
        Click("#sign-in-submit");
        Until(d => d.FindElements(By.Id("signed-in-as")).FirstOrDefault(e => e.Displayed), $"signed in as {role}");
    }

    public void SignOut()
    {
        Click("#sign-out");
        Wait("#sign-in");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SandboxRegistry.sln"))) dir = dir.Parent;
        return dir?.FullName ?? AppContext.BaseDirectory;
    }

    public void Dispose() => _driver.Quit();
}
