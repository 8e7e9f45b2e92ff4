import type { Schema, Struct } from '@strapi/strapi';

export interface CompanyOpeningHours extends Struct.ComponentSchema {
  collectionName: 'components_company_opening_hours';
  info: {
    description: 'One opening interval on an ISO weekday (1 = Monday \u2026 7 = Sunday), local time of the company.';
    displayName: 'Opening hours';
    icon: 'clock';
  };
  attributes: {
    closes: Schema.Attribute.String & Schema.Attribute.Required;
    opens: Schema.Attribute.String & Schema.Attribute.Required;
    weekday: Schema.Attribute.Integer &
      Schema.Attribute.Required &
      Schema.Attribute.SetMinMax<
        {
          max: 7;
          min: 1;
        },
        number
      >;
  };
}

declare module '@strapi/strapi' {
  export namespace Public {
    export interface ComponentSchemas {
      'company.opening-hours': CompanyOpeningHours;
    }
  }
}
