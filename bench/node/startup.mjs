// Start-up of the official stack: load msal-node and the Graph client, then exit.
import "@azure/msal-node";
import "@microsoft/microsoft-graph-client";
