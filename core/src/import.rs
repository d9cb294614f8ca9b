pub mod camunda7;
