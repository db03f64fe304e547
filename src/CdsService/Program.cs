using Cds.Service.Hooks;
using Cds.Service.Hosting;
using Cds.Service.Policy;

var builder = WebApplication.CreateBuilder(args);
builder.AddCdsServices();

var app = builder.Build();
app.UseCdsErrorHandling();
app.MapHealth();
app.MapCdsHooks();
app.MapPolicyPages();
app.Run();
