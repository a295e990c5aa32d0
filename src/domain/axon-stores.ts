/**
 * The tables an Axon Framework 4 app keeps its processing state in, per schema, defined once:
 * what the seed and cleanup SQL address in a side-effect store.
 *
 * `jpa`: Spring Boot's JPA entities (TokenEntry, SagaEntry, AssociationValueEntry,
 * DeadLetterEntry) under Spring's default physical naming (snake_case); the reference guide
 * speaks of "the `timestamp` column of your `token_entry` table". `jdbc`: Axon's JDBC defaults
 * (TokenSchema, SagaSchema, DeadLetterSchema builders: TokenEntry.processorName, …), created
 * without quotes, which PostgreSQL folds to lower case.
 */

export interface StoreTables {
  readonly tokenTable: string;
  readonly processorColumn: string;
  readonly ownerColumn: string;
  readonly sagaTable: string;
  readonly associationTable: string;
  readonly associationIdColumn: string;
  readonly deadLetterTable: string;
  readonly groupColumn: string;
}

export const STORE_TABLES: Readonly<Record<'jpa' | 'jdbc', StoreTables>> = {
  jpa: {
    tokenTable: 'token_entry',
    processorColumn: 'processor_name',
    ownerColumn: 'owner',
    sagaTable: 'saga_entry',
    associationTable: 'association_value_entry',
    associationIdColumn: 'id',
    deadLetterTable: 'dead_letter_entry',
    groupColumn: 'processing_group',
  },
  jdbc: {
    tokenTable: 'tokenentry',
    processorColumn: 'processorname',
    ownerColumn: 'owner',
    sagaTable: 'sagaentry',
    associationTable: 'associationvalueentry',
    associationIdColumn: 'id',
    deadLetterTable: 'deadletterentry',
    groupColumn: 'processinggroup',
  },
};
